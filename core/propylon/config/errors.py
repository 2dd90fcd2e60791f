"""Configuration errors that say where: the file, the endpoint and the field."""

from __future__ import annotations

import reprlib

# A message is one line a terminal shows whole, whatever value it quotes.
MAX_MESSAGE = 400


class ConfigError(Exception):
    """A configuration that cannot be served. ``str()`` is one line a user can act on."""

    def __init__(self, message: str, *, file: str = "", where: str = "") -> None:
        # Whatever a message quotes (a key with a newline, a parser's report), it stays one line.
        self.message = _one_line(message)
        self.file = _one_line(file)
        self.where = _one_line(where)
        super().__init__(self.message)

    def located(self, *, file: str = "", where: str = "") -> ConfigError:
        """The same error with an outer location prepended (the caller knows more context)."""
        inner = f"{where}.{self.where}" if where and self.where else where or self.where
        return ConfigError(self.message, file=file or self.file, where=inner)

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.where) if p]
        return ": ".join([*parts, self.message])


def _one_line(text: str) -> str:
    """``text`` on one line of at most MAX_MESSAGE printable characters."""
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 3] + "..."
    if text.isprintable():
        return text
    return " ".join("".join(_printable(c) for c in text).split())


def _printable(char: str) -> str:
    """A control character, line separator or lone surrogate written as its escape."""
    if char.isprintable() or char in " \t\n\r":
        return char
    return repr(char)[1:-1]


class _Preview(reprlib.Repr):
    """``repr`` bounded in depth, width and digits: safe for any value a document holds."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = 60
        self.maxother = 60
        self.maxlong = 40
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = 4

    def repr_int(self, x: int, level: int) -> str:
        # str() of an int longer than the interpreter's limit raises ValueError.
        digits = number_of_digits(x)
        if digits > 1000:
            return f"<a number of about {digits} digits>"
        return super().repr_int(x, level)

    def repr_str(self, x: str, level: int) -> str:
        if len(x) > self.maxstring:
            return repr(x[: self.maxstring]) + f"... ({len(x)} characters)"
        return repr(x)


_PREVIEW = _Preview()


def preview(value: object) -> str:
    """A short ``repr`` of ``value`` for messages, whatever its size or depth."""
    return _PREVIEW.repr(value)


def number_of_digits(value: int) -> int:
    """About how many decimal digits ``value`` has, computed without converting it."""
    return int(abs(value).bit_length() * 0.30103) + 1
