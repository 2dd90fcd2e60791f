"""The parser: items into trees, one per template the text defines, as Go's parse package."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from propylon.config.gotemplate import nodes as n
from propylon.config.gotemplate.errors import TemplateError
from propylon.config.gotemplate.gofmt import unquote, unquote_char
from propylon.config.gotemplate.lex import Item, Kind, Lexer


class _Stop(Exception):
    pass


def is_empty_tree(node: n.Node | None) -> bool:
    if node is None or isinstance(node, n.CommentNode):
        return True
    if isinstance(node, n.ListNode):
        return all(is_empty_tree(x) for x in node.nodes)
    if isinstance(node, n.TextNode):
        return node.text.strip(" \t\r\n\v\f\x85\xa0") == ""
    return False


def parse(name: str, text: str, has_function: Callable[[str], bool]) -> dict[str, n.Tree]:
    """Every tree the text defines, keyed by name; the body itself under ``name``."""
    items = Lexer(text).run()
    parser = _Parser(name, text, items, has_function)
    parser.run(name)
    return parser.trees


class _Parser:
    def __init__(
        self, name: str, text: str, items: list[Item], has_function: Callable[[str], bool]
    ) -> None:
        self.parse_name = name
        self.text = text
        self.items = items
        self.index = 0
        self.current = items[0]
        self.has_function = has_function
        self.trees: dict[str, n.Tree] = {}
        self.vars: list[str] = ["$"]
        self.range_depth = 0
        self.action_line = 0

    # errors
    def errorf(self, message: str) -> None:
        raise TemplateError(f"template: {self.parse_name}:{self.current.line}: {message}")

    def unexpected(self, token: Item, context: str) -> None:
        if token.kind == Kind.ERROR:
            extra = ""
            if self.action_line and self.action_line != token.line:
                extra = f" in action started at {self.parse_name}:{self.action_line}"
                if token.val.endswith(" action"):
                    extra = extra[len(" in action") :]
            self.errorf(f"{token}{extra}")
        self.errorf(f"unexpected {token} in {context}")

    # tokens
    def next(self) -> Item:
        item = self.items[min(self.index, len(self.items) - 1)]
        self.index += 1
        self.current = item
        return item

    def backup(self, count: int = 1) -> None:
        self.index -= count

    def peek(self) -> Item:
        item = self.next()
        self.backup()
        return item

    def next_non_space(self) -> Item:
        while True:
            token = self.next()
            if token.kind != Kind.SPACE:
                return token

    def peek_non_space(self) -> Item:
        token = self.next_non_space()
        self.backup()
        return token

    def expect(self, kind: Kind, context: str) -> Item:
        token = self.next_non_space()
        if token.kind != kind:
            self.unexpected(token, context)
        return token

    def expect_one_of(self, k1: Kind, k2: Kind, context: str) -> Item:
        token = self.next_non_space()
        if token.kind not in (k1, k2):
            self.unexpected(token, context)
        return token

    # structure
    def add(self, name: str, root: n.ListNode) -> None:
        tree = self.trees.get(name)
        if tree is None or is_empty_tree(tree.root):
            self.trees[name] = n.Tree(name, self.parse_name, self.text, root)
            return
        if not is_empty_tree(root):
            self.errorf(f"template: multiple definition of template {_q(name)}")

    def run(self, name: str) -> None:
        root = n.ListNode(self.peek().pos)
        while self.peek().kind != Kind.EOF:
            if self.peek().kind == Kind.LEFT_DELIM:
                delim_index = self.index
                self.next()
                if self.next_non_space().kind == Kind.DEFINE:
                    self.parse_definition()
                    continue
                self.index = delim_index
            node = self.text_or_action()
            if isinstance(node, (n.EndNode, n.ElseNode)):
                self.errorf(f"unexpected {node}")
            root.nodes.append(node)
        self.add(name, root)

    def parse_definition(self) -> None:
        context = "define clause"
        token = self.expect_one_of(Kind.STRING, Kind.RAW_STRING, context)
        name = self.unquote(token.val)
        self.expect(Kind.RIGHT_DELIM, context)
        saved = self.vars
        self.vars = ["$"]
        root, end = self.item_list()
        self.vars = saved
        if not isinstance(end, n.EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self.add(name, root)

    def unquote(self, text: str) -> str:
        try:
            return unquote(text)
        except ValueError as exc:
            self.errorf(str(exc))
        raise AssertionError

    def item_list(self) -> tuple[n.ListNode, n.Node]:
        lst = n.ListNode(self.peek_non_space().pos)
        while self.peek_non_space().kind != Kind.EOF:
            node = self.text_or_action()
            if isinstance(node, (n.EndNode, n.ElseNode)):
                return lst, node
            lst.nodes.append(node)
        self.errorf("unexpected EOF")
        raise AssertionError

    def text_or_action(self) -> n.Node:
        token = self.next_non_space()
        if token.kind == Kind.TEXT:
            return n.TextNode(token.pos, token.val)
        if token.kind == Kind.LEFT_DELIM:
            self.action_line = token.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        if token.kind == Kind.COMMENT:
            return n.CommentNode(token.pos, token.val)
        self.unexpected(token, "input")
        raise AssertionError

    def action(self) -> n.Node:
        token = self.next_non_space()
        kind = token.kind
        if kind == Kind.BLOCK:
            return self.block_control()
        if kind in (Kind.BREAK, Kind.CONTINUE):
            word = "break" if kind == Kind.BREAK else "continue"
            nxt = self.next_non_space()
            if nxt.kind != Kind.RIGHT_DELIM:
                self.unexpected(nxt, "{{" + word + "}}")
            if self.range_depth == 0:
                self.errorf("{{" + word + "}} outside {{range}}")
            if kind == Kind.BREAK:
                return n.BreakNode(token.pos, token.line)
            return n.ContinueNode(token.pos, token.line)
        if kind == Kind.ELSE:
            return self.else_control()
        if kind == Kind.END:
            return n.EndNode(self.expect(Kind.RIGHT_DELIM, "end").pos)
        if kind in (Kind.IF, Kind.RANGE, Kind.WITH):
            return self.branch(kind.name.lower())
        if kind == Kind.TEMPLATE:
            return self.template_control()
        self.backup()
        token = self.peek()
        return n.ActionNode(token.pos, token.line, self.pipeline("command", Kind.RIGHT_DELIM))

    def pipeline(self, context: str, end: Kind) -> n.PipeNode:
        token = self.peek_non_space()
        pipe = n.PipeNode(token.pos, token.line)
        while True:  # declarations
            v = self.peek_non_space()
            if v.kind != Kind.VARIABLE:
                break
            self.next_non_space()
            after = self.peek()
            nxt = self.peek_non_space()
            if nxt.kind in (Kind.ASSIGN, Kind.DECLARE):
                pipe.is_assign = nxt.kind == Kind.ASSIGN
                self.next_non_space()
                pipe.decl.append(n.VariableNode(v.pos, v.val.split(".")))
                self.vars.append(v.val)
            elif nxt.kind == Kind.CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(n.VariableNode(v.pos, v.val.split(".")))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().kind in (
                        Kind.VARIABLE,
                        Kind.RIGHT_DELIM,
                        Kind.RIGHT_PAREN,
                    ):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            elif after.kind == Kind.SPACE:
                self._rewind_to(v)
            else:
                self._rewind_to(v)
            break
        while True:
            token = self.next_non_space()
            if token.kind == end:
                self.check_pipeline(pipe, context)
                return pipe
            if token.kind in _OPERAND_START:
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(token, context)

    def _rewind_to(self, item: Item) -> None:
        while self.items[self.index - 1] is not item:
            self.index -= 1
        self.index -= 1

    def check_pipeline(self, pipe: n.PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(
                c.args[0], (n.BoolNode, n.DotNode, n.NilNode, n.NumberNode, n.StringNode)
            ):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def branch(self, keyword: str) -> n.Node:
        mark = len(self.vars)
        try:
            pipe = self.pipeline(keyword, Kind.RIGHT_DELIM)
            if keyword == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if keyword == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, n.ElseNode):
                if keyword == "if" and self.peek().kind == Kind.IF:
                    self.next()
                    else_list = n.ListNode(nxt.pos)
                    else_list.nodes.append(self.branch("if"))
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, n.EndNode):
                        self.errorf(f"expected end; found {nxt}")
        finally:
            del self.vars[mark:]
        return n.BranchNode(pipe.pos, keyword, pipe.line, pipe, lst, else_list)

    def else_control(self) -> n.Node:
        peek = self.peek_non_space()
        if peek.kind == Kind.IF:
            return n.ElseNode(peek.pos, peek.line)
        token = self.expect(Kind.RIGHT_DELIM, "else")
        return n.ElseNode(token.pos, token.line)

    def template_name(self, token: Item, context: str) -> str:
        if token.kind in (Kind.STRING, Kind.RAW_STRING):
            return self.unquote(token.val)
        self.unexpected(token, context)
        raise AssertionError

    def block_control(self) -> n.Node:
        context = "block clause"
        token = self.next_non_space()
        name = self.template_name(token, context)
        pipe = self.pipeline(context, Kind.RIGHT_DELIM)
        saved = self.vars
        self.vars = ["$"]
        root, end = self.item_list()
        self.vars = saved
        if not isinstance(end, n.EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self.add(name, root)
        return n.TemplateNode(token.pos, token.line, name, pipe)

    def template_control(self) -> n.Node:
        context = "template clause"
        token = self.next_non_space()
        name = self.template_name(token, context)
        pipe = None
        if self.next_non_space().kind != Kind.RIGHT_DELIM:
            self.backup()
            pipe = self.pipeline(context, Kind.RIGHT_DELIM)
        return n.TemplateNode(token.pos, token.line, name, pipe)

    def command(self) -> n.CommandNode:
        cmd = n.CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self.next()
            if token.kind == Kind.SPACE:
                continue
            if token.kind in (Kind.RIGHT_DELIM, Kind.RIGHT_PAREN):
                self.backup()
            elif token.kind != Kind.PIPE:
                self.unexpected(token, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> n.Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().kind == Kind.FIELD:
            chain = n.ChainNode(self.peek().pos, node)
            while self.peek().kind == Kind.FIELD:
                chain.fields.append(self.next().val[1:])
            if isinstance(node, n.FieldNode):
                return n.FieldNode(chain.pos, node.ident + chain.fields)
            if isinstance(node, n.VariableNode):
                return n.VariableNode(chain.pos, node.ident + chain.fields)
            if isinstance(node, (n.BoolNode, n.StringNode, n.NumberNode, n.NilNode, n.DotNode)):
                self.errorf(f"unexpected . after term {_q(str(node))}")
            return chain
        return node

    def term(self) -> n.Node | None:
        token = self.next_non_space()
        kind = token.kind
        if kind == Kind.IDENTIFIER:
            if not self.has_function(token.val):
                self.errorf(f"function {_q(token.val)} not defined")
            return n.IdentifierNode(token.pos, token.val)
        if kind == Kind.DOT:
            return n.DotNode(token.pos)
        if kind == Kind.NIL:
            return n.NilNode(token.pos)
        if kind == Kind.VARIABLE:
            ident = token.val.split(".")
            if ident[0] not in self.vars:
                self.errorf(f"undefined variable {_q(ident[0])}")
            return n.VariableNode(token.pos, ident)
        if kind == Kind.FIELD:
            return n.FieldNode(token.pos, token.val[1:].split("."))
        if kind == Kind.BOOL:
            return n.BoolNode(token.pos, token.val == "true")
        if kind in (Kind.CHAR_CONSTANT, Kind.COMPLEX, Kind.NUMBER):
            return self.number(token)
        if kind == Kind.LEFT_PAREN:
            return self.pipeline("parenthesized pipeline", Kind.RIGHT_PAREN)
        if kind in (Kind.STRING, Kind.RAW_STRING):
            return n.StringNode(token.pos, token.val, self.unquote(token.val))
        self.backup()
        return None

    def complex_number(self, node: n.NumberNode, text: str) -> n.NumberNode:
        """An imaginary or complex constant; one with no imaginary part is also a number."""
        value = _complex(text)
        if value is None:
            self.errorf(f"illegal number syntax: {_q(text)}")
            raise AssertionError
        node.is_complex, node.complex = True, value
        if value.imag == 0:
            node.is_float, node.float64 = True, value.real
            if value.real == int(value.real):
                node.is_int, node.int64 = True, int(value.real)
                node.is_uint = node.int64 >= 0
        return node

    def number(self, token: Item) -> n.NumberNode:
        text = token.val
        node = n.NumberNode(token.pos, text)
        if token.kind == Kind.CHAR_CONSTANT:
            try:
                value, tail = unquote_char(text[1:], "'")
            except ValueError as exc:
                self.errorf(str(exc))
            if tail != "'":
                self.errorf(f"malformed character constant: {text}")
            node.is_int = node.is_uint = node.is_float = True
            node.int64, node.float64 = value, float(value)
            return node
        if token.kind == Kind.COMPLEX or text.endswith("i"):
            return self.complex_number(node, text)
        parsed = _parse_int(text)
        if parsed is not None and -(2**63) <= parsed < 2**64:
            node.is_uint = parsed >= 0
            node.is_int = parsed < 2**63
            node.int64 = parsed
            node.is_float = True
            node.float64 = float(parsed)
        else:
            f = _parse_float(text)
            if f is not None:
                if not any(c in text for c in ".eEpP"):
                    self.errorf(f"integer overflow: {_q(text)}")
                node.is_float = True
                node.float64 = f
                if f == int(f) and -(2**63) <= f < 2**63:
                    node.is_int = True
                    node.int64 = int(f)
                if f == int(f) and 0 <= f < 2**64:
                    node.is_uint = True
        if not (node.is_int or node.is_uint or node.is_float):
            self.errorf(f"illegal number syntax: {_q(text)}")
        return node


def _complex(text: str) -> complex | None:
    body = text.replace("_", "")
    try:
        return complex(body.replace("i", "j")) if body.endswith("i") else None
    except ValueError:
        return None


_OPERAND_START = {
    Kind.BOOL,
    Kind.CHAR_CONSTANT,
    Kind.COMPLEX,
    Kind.DOT,
    Kind.FIELD,
    Kind.IDENTIFIER,
    Kind.NUMBER,
    Kind.NIL,
    Kind.RAW_STRING,
    Kind.STRING,
    Kind.VARIABLE,
    Kind.LEFT_PAREN,
}

_OCTAL = re.compile(r"[+-]?0[0-7_]+")
_UNDERSCORES = re.compile(r"^[+-]?(0[xXoObB]_?)?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$")


def _parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64) without the range check."""
    if "_" in text and not _UNDERSCORES.match(text):
        return None
    try:
        if _OCTAL.fullmatch(text):
            return int(
                text.replace("0", "0o", 1) if text[0] == "0" else text[0] + "0o" + text[2:], 0
            )
        return int(text, 0)
    except ValueError:
        return None


def _parse_float(text: str) -> float | None:
    try:
        if text.lstrip("+-")[:2].lower() == "0x":  # Go needs the p exponent of a hex float
            return float.fromhex(text.replace("_", "")) if "p" in text.lower() else None
        if text.lower().lstrip("+-").startswith(("inf", "nan")):
            return None
        value = float(text)
    except (ValueError, OverflowError):
        return None
    return None if math.isinf(value) else value


def _q(s: str) -> str:
    from propylon.config.gotemplate.gofmt import quote

    return quote(s)
