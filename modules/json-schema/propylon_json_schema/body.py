"""A request body read as the JSON document to validate, with Go's words when it is not JSON.

KrakenD decodes the body with Go's ``encoding/json`` and answers a malformed one with the
decoder's message (``unexpected EOF``, ``invalid character 'x' looking for beginning of
value``); the same messages are given here for the same mistakes. Nesting deeper than 1,024
levels is refused as ``exceeded max depth`` (Go allows 10,000): a document the validator can
walk without exhausting the stack. Invalid UTF-8 inside strings is replaced, as Go does.
"""

from __future__ import annotations

from typing import Any

import orjson

EMPTY_BODY = "could not validate an empty body"
_AFTER_VALUE = "invalid character after top-level value"
# orjson's message -> the context Go names in "invalid character 'c' <context>".
_CONTEXTS = (
    ("expected a string key", "looking for beginning of object key string"),
    ("expected ':'", "after object key"),
    ("expected ',' or ']'", "after array element"),
    ("expected ',' or '}'", "after object key:value pair"),
)


_LITERALS = {b"n": "null", b"t": "true"}


class MalformedBody(Exception):
    """A body that is not one JSON document."""


def parse_body(body: bytes) -> Any:
    if not body:
        raise MalformedBody(EMPTY_BODY)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "UTF-8" not in str(exc) or "BOM" in str(exc):
            raise MalformedBody(_go_message(exc, body)) from None
    text = body.decode("utf-8", "replace")
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise MalformedBody(_go_message(exc, text.encode())) from None


def _go_message(exc: orjson.JSONDecodeError, body: bytes) -> str:
    reason = exc.msg
    if "end of data" in reason or "unterminated" in reason.lower():
        return "unexpected EOF"
    if "after document" in reason:
        return _AFTER_VALUE
    if "depth" in reason:
        return "exceeded max depth"
    if "trailing comma" in reason:
        closing = _next_char(body, exc.pos + 1)
        expected = "looking for beginning of object key string" if closing == "}" else None
        return _invalid(closing, expected or "looking for beginning of value")
    context = next((go for ours, go in _CONTEXTS if ours in reason), None)
    if context is not None:
        return _invalid(_next_char(body, exc.pos), context)
    if "literal" in reason:
        return _literal(body, exc.pos)
    return _invalid(_next_char(body, exc.pos), "looking for beginning of value")


def _literal(body: bytes, pos: int) -> str:
    """``nul`` is EOF; ``nux`` has an invalid character where the literal goes wrong."""
    word = _LITERALS.get(body[pos : pos + 1], "false")
    for i, expected in enumerate(word):
        got = body[pos + i : pos + i + 1].decode("latin-1")
        if not got:
            return "unexpected EOF"
        if got != expected:
            context = f"in literal {word} (expecting {_quote_char(expected)})"
            return _invalid(got, context)
    return _AFTER_VALUE


def _next_char(body: bytes, pos: int) -> str:
    """The character at byte ``pos``; empty at the end of the body."""
    while pos < len(body) and body[pos] in b" \t\r\n":
        pos += 1
    chunk = body[pos : pos + 4].decode("utf-8", "ignore")
    return chunk[:1] if chunk else body[pos : pos + 1].decode("latin-1")


def _invalid(char: str, context: str) -> str:
    if not char:
        return "unexpected EOF"
    return f"invalid character {_quote_char(char)} {context}"


def _quote_char(char: str) -> str:
    """Go's ``quoteChar``: ``'x'``, with quotes and control characters escaped."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    escaped = char.encode("unicode_escape").decode("ascii") if not char.isprintable() else char
    return f"'{escaped}'"
