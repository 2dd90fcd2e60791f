"""Configuration errors that say where: the file, the endpoint and the field."""

from __future__ import annotations

import json
import math

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


_SHOWN = 60  # characters of a string quoted in a message
_ITEMS = 4  # items of a list or object shown before "..."


def preview(value: object, depth: int = 0) -> str:
    """``value`` as the configuration writes it (``true``, ``"1"``, ``null``, ``[1, 2]``),
    short, whatever its size or depth: never a conversion of a whole huge value."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        if value.bit_length() <= 64:
            return str(value)
        if value.bit_length() < 14000:  # str() refuses past about 4,300 digits
            return f"(a number of {len(str(abs(value)))} digits)"
        return f"(a number of about {number_of_digits(value)} digits)"
    if isinstance(value, float):
        return json.dumps(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        text = json.dumps(value[:_SHOWN], ensure_ascii=False)
        return text if len(value) <= _SHOWN else f'{text[:-1]}..." ({len(value)} characters)'
    if isinstance(value, list | tuple):
        if depth >= 2:
            return "[...]" if value else "[]"
        items = [preview(v, depth + 1) for v in value[:_ITEMS]]
        return "[" + ", ".join(items + (["..."] if len(value) > _ITEMS else [])) + "]"
    if isinstance(value, dict):
        if depth >= 2:
            return "{...}" if value else "{}"
        pairs = [
            f"{json.dumps(str(k)[:_SHOWN])}: {preview(v, depth + 1)}" for k, v in value.items()
        ]
        shown = pairs[:_ITEMS] + (["..."] if len(pairs) > _ITEMS else [])
        return "{" + ", ".join(shown) + "}"
    return type(value).__name__


def number_of_digits(value: int) -> int:
    """About how many decimal digits ``value`` has, computed without converting it."""
    return int(abs(value).bit_length() * 0.30103) + 1
