"""The lexer: the template text as a list of items, split as Go's text/template splits it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum, auto


class Kind(Enum):
    ERROR = auto()
    BOOL = auto()
    CHAR = auto()
    CHAR_CONSTANT = auto()
    COMMENT = auto()
    COMPLEX = auto()
    ASSIGN = auto()
    DECLARE = auto()
    EOF = auto()
    FIELD = auto()
    IDENTIFIER = auto()
    LEFT_DELIM = auto()
    LEFT_PAREN = auto()
    NUMBER = auto()
    PIPE = auto()
    RAW_STRING = auto()
    RIGHT_DELIM = auto()
    RIGHT_PAREN = auto()
    SPACE = auto()
    STRING = auto()
    TEXT = auto()
    VARIABLE = auto()
    # keywords
    BLOCK = auto()
    BREAK = auto()
    CONTINUE = auto()
    DOT = auto()
    DEFINE = auto()
    ELSE = auto()
    END = auto()
    IF = auto()
    NIL = auto()
    RANGE = auto()
    TEMPLATE = auto()
    WITH = auto()


KEYWORDS = {
    ".": Kind.DOT,
    "block": Kind.BLOCK,
    "break": Kind.BREAK,
    "continue": Kind.CONTINUE,
    "define": Kind.DEFINE,
    "else": Kind.ELSE,
    "end": Kind.END,
    "if": Kind.IF,
    "range": Kind.RANGE,
    "nil": Kind.NIL,
    "template": Kind.TEMPLATE,
    "with": Kind.WITH,
}

DISPLAY = {
    Kind.EOF: "EOF",
    Kind.LEFT_DELIM: "<left delim>",
    Kind.RIGHT_DELIM: "<right delim>",
    Kind.SPACE: "<space>",
}


@dataclass(frozen=True)
class Item:
    kind: Kind
    pos: int
    val: str
    line: int

    def __str__(self) -> str:
        if self.kind == Kind.EOF:
            return "EOF"
        if self.kind == Kind.ERROR:
            return self.val
        if self.kind in KEYWORDS.values() and self.kind not in (Kind.DOT, Kind.NIL):
            return f"<{self.val}>"
        if self.kind == Kind.SPACE:
            return "<space>"
        if len(self.val) > 10:
            return f"{_go_quote(self.val[:10])}..."
        return _go_quote(self.val)


def _go_quote(s: str) -> str:
    from propylon.config.gotemplate.gofmt import quote

    return quote(s)


LEFT, RIGHT = "{{", "}}"
SPACES = " \t\r\n"


def is_space(c: str) -> bool:
    return c in (" ", "\t", "\r", "\n")


def is_alnum(c: str) -> bool:
    if c == "_":
        return True
    if not c:
        return False
    cat = unicodedata.category(c)
    return cat.startswith("L") or cat == "Nd"


def _left_trim(s: str, at: int) -> bool:
    return len(s) >= at + 2 and s[at] == "-" and is_space(s[at + 1])


def _right_trim(s: str, at: int) -> bool:
    return len(s) >= at + 2 and is_space(s[at]) and s[at + 1] == "-"


class Lexer:
    """Go's state machine, run to completion into a list."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.start = 0
        self.line = 1
        self.start_line = 1
        self.paren = 0
        self.items: list[Item] = []

    def run(self) -> list[Item]:
        state = self.lex_text
        while state is not None:
            state = state()
        return self.items

    # helpers
    def next(self) -> str:
        if self.pos >= len(self.text):
            self.pos += 1  # past the end: backup returns here
            return ""
        c = self.text[self.pos]
        self.pos += 1
        if c == "\n":
            self.line += 1
        return c

    def backup(self) -> None:
        self.pos -= 1
        if self.pos < len(self.text) and self.text[self.pos] == "\n":
            self.line -= 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def emit(self, kind: Kind) -> None:
        self.items.append(Item(kind, self.start, self.text[self.start : self.pos], self.start_line))
        self.start = self.pos
        self.start_line = self.line

    def ignore(self) -> None:
        self.line += self.text.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line

    def errorf(self, message: str) -> None:
        self.items.append(Item(Kind.ERROR, self.start, message, self.start_line))
        return None

    def accept(self, valid: str) -> bool:
        c = self.next()
        if c and c in valid:
            return True
        self.backup()
        return False

    def accept_run(self, valid: str) -> None:
        while True:
            c = self.next()
            if not c or c not in valid:
                break
        self.backup()

    def at_right_delim(self) -> tuple[bool, bool]:
        if _right_trim(self.text, self.pos) and self.text.startswith(RIGHT, self.pos + 2):
            return True, True
        if self.text.startswith(RIGHT, self.pos):
            return True, False
        return False, False

    def at_terminator(self) -> bool:
        c = self.peek()
        if is_space(c) or c in ("", ".", ",", "|", ":", ")", "("):
            return True
        return self.text.startswith(RIGHT, self.pos)

    # states
    def lex_text(self):
        x = self.text.find(LEFT, self.pos)
        if x >= 0:
            self.pos = x
            trim = 0
            if _left_trim(self.text, x + 2):
                segment = self.text[self.start : self.pos]
                trim = len(segment) - len(segment.rstrip(SPACES))
            self.pos -= trim
            if self.pos > self.start:
                self.line += self.text.count("\n", self.start, self.pos)
                self.emit(Kind.TEXT)
            self.pos += trim
            self.ignore()
            return self.lex_left_delim
        self.pos = len(self.text)
        if self.pos > self.start:
            self.line += self.text.count("\n", self.start, self.pos)
            self.emit(Kind.TEXT)
        self.emit(Kind.EOF)
        return None

    def lex_left_delim(self):
        self.pos += 2
        trim = _left_trim(self.text, self.pos)
        after = 2 if trim else 0
        if self.text.startswith("/*", self.pos + after):
            self.pos += after
            self.ignore()
            return self.lex_comment
        self.emit(Kind.LEFT_DELIM)
        self.pos += after
        self.ignore()
        self.paren = 0
        return self.lex_inside

    def lex_comment(self):
        self.pos += 2
        i = self.text.find("*/", self.pos)
        if i < 0:
            return self.errorf("unclosed comment")
        self.pos = i + 2
        delim, trim = self.at_right_delim()
        if not delim:
            return self.errorf("comment ends before closing delimiter")
        if trim:
            self.pos += 2
        self.pos += 2
        if trim:
            rest = self.text[self.pos :]
            self.pos += len(rest) - len(rest.lstrip(SPACES))
        self.ignore()
        return self.lex_text

    def lex_right_delim(self):
        trim = _right_trim(self.text, self.pos)
        if trim:
            self.pos += 2
            self.ignore()
        self.pos += 2
        self.emit(Kind.RIGHT_DELIM)
        if trim:
            rest = self.text[self.pos :]
            self.pos += len(rest) - len(rest.lstrip(SPACES))
            self.ignore()
        return self.lex_text

    def lex_inside(self):
        delim, _ = self.at_right_delim()
        if delim:
            if self.paren == 0:
                return self.lex_right_delim
            return self.errorf("unclosed left paren")
        c = self.next()
        if c == "":
            return self.errorf("unclosed action")
        if is_space(c):
            self.backup()
            return self.lex_space
        if c == "=":
            self.emit(Kind.ASSIGN)
        elif c == ":":
            if self.next() != "=":
                return self.errorf("expected :=")
            self.emit(Kind.DECLARE)
        elif c == "|":
            self.emit(Kind.PIPE)
        elif c == '"':
            return self.lex_quote
        elif c == "`":
            return self.lex_raw_quote
        elif c == "$":
            return self.lex_variable
        elif c == "'":
            return self.lex_char
        elif c == "." and self.pos < len(self.text) and not ("0" <= self.text[self.pos] <= "9"):
            return self.lex_field
        elif c in "+-." or "0" <= c <= "9":
            self.backup()
            return self.lex_number
        elif is_alnum(c):
            self.backup()
            return self.lex_identifier
        elif c == "(":
            self.emit(Kind.LEFT_PAREN)
            self.paren += 1
        elif c == ")":
            self.emit(Kind.RIGHT_PAREN)
            self.paren -= 1
            if self.paren < 0:
                return self.errorf("unexpected right paren U+0029 ')'")
        elif ord(c) < 128 and c.isprintable():
            self.emit(Kind.CHAR)
        else:
            return self.errorf(f"unrecognized character in action: {_rune(c)}")
        return self.lex_inside

    def lex_space(self):
        spaces = 0
        while is_space(self.peek()):
            self.next()
            spaces += 1
        if _right_trim(self.text, self.pos - 1) and self.text.startswith(RIGHT, self.pos + 1):
            self.backup()
            if spaces == 1:
                return self.lex_right_delim
        self.emit(Kind.SPACE)
        return self.lex_inside

    def lex_identifier(self):
        while True:
            c = self.next()
            if is_alnum(c):
                continue
            self.backup()
            word = self.text[self.start : self.pos]
            if not self.at_terminator():
                return self.errorf(f"bad character {_rune(c)}")
            if word in KEYWORDS and word != ".":
                self.emit(KEYWORDS[word])
            elif word[0] == ".":
                self.emit(Kind.FIELD)
            elif word in ("true", "false"):
                self.emit(Kind.BOOL)
            else:
                self.emit(Kind.IDENTIFIER)
            return self.lex_inside

    def lex_field(self):
        return self.lex_field_or_variable(Kind.FIELD)

    def lex_variable(self):
        if self.at_terminator():
            self.emit(Kind.VARIABLE)
            return self.lex_inside
        return self.lex_field_or_variable(Kind.VARIABLE)

    def lex_field_or_variable(self, kind: Kind):
        if self.at_terminator():
            self.emit(Kind.VARIABLE if kind == Kind.VARIABLE else Kind.DOT)
            return self.lex_inside
        while True:
            c = self.next()
            if not is_alnum(c):
                self.backup()
                break
        if not self.at_terminator():
            return self.errorf(f"bad character {_rune(c)}")
        self.emit(kind)
        return self.lex_inside

    def lex_char(self):
        while True:
            c = self.next()
            if c == "\\":
                c = self.next()
                if c not in ("", "\n"):
                    continue
                return self.errorf("unterminated character constant")
            if c in ("", "\n"):
                return self.errorf("unterminated character constant")
            if c == "'":
                break
        self.emit(Kind.CHAR_CONSTANT)
        return self.lex_inside

    def lex_number(self):
        if not self.scan_number():
            return self.errorf(f"bad number syntax: {_go_quote(self.text[self.start : self.pos])}")
        if self.peek() in ("+", "-"):
            if not self.scan_number() or self.text[self.pos - 1] != "i":
                return self.errorf(
                    f"bad number syntax: {_go_quote(self.text[self.start : self.pos])}"
                )
            self.emit(Kind.COMPLEX)
        else:
            self.emit(Kind.NUMBER)
        return self.lex_inside

    def scan_number(self) -> bool:
        self.accept("+-")
        digits = "0123456789_"
        if self.accept("0"):
            if self.accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self.accept("oO"):
                digits = "01234567_"
            elif self.accept("bB"):
                digits = "01_"
        self.accept_run(digits)
        if self.accept("."):
            self.accept_run(digits)
        if len(digits) == 11 and self.accept("eE"):
            self.accept("+-")
            self.accept_run("0123456789_")
        if len(digits) == 23 and self.accept("pP"):
            self.accept("+-")
            self.accept_run("0123456789_")
        self.accept("i")
        if is_alnum(self.peek()):
            self.next()
            return False
        return True

    def lex_quote(self):
        while True:
            c = self.next()
            if c == "\\":
                c = self.next()
                if c not in ("", "\n"):
                    continue
                return self.errorf("unterminated quoted string")
            if c in ("", "\n"):
                return self.errorf("unterminated quoted string")
            if c == '"':
                break
        self.emit(Kind.STRING)
        return self.lex_inside

    def lex_raw_quote(self):
        while True:
            c = self.next()
            if c == "":
                return self.errorf("unterminated raw quoted string")
            if c == "`":
                break
        self.emit(Kind.RAW_STRING)
        return self.lex_inside


def _rune(c: str) -> str:
    """Go's ``%#U``: ``U+0021 '!'``."""
    if not c:
        return "U+FFFFFFFF"
    code = f"U+{ord(c):04X}"
    return f"{code} '{c}'" if c.isprintable() else code
