"""Why a body does not match its schema, in the words KrakenD answers with.

KrakenD returns santhosh-tekuri/jsonschema's error without its first line: one
``- at '<JSON pointer>': <reason>`` line per failure, and the reasons of an ``anyOf`` or
``oneOf`` indented beneath it. The reasons here use that library's wording (``got string, want
number``, ``missing property 'id'``, ``additional properties 'x' not allowed``). As there,
once ``type`` fails, nothing else of that subschema is reported. Go orders an object's
properties at random, so KrakenD's order is not stable; here it is the validator's. At most
``MAX_ERRORS`` failures are listed, so a huge body cannot make a huge answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import jsonschema_rs

from propylon_json_schema.goformat import pointer, quote
from propylon_json_schema.reasons import Error, missing_reason, reason

MAX_ERRORS = 50


def describe(errors: Iterable[Error], schema: dict[str, Any]) -> str:
    """The first ``MAX_ERRORS`` lines of a body's failures against ``schema``."""
    lines: list[str] = []
    for error in _merged(_pruned(errors)):
        lines.extend(_lines(error, schema, 0))
        if len(lines) >= MAX_ERRORS:
            break
    return "\n".join(lines[:MAX_ERRORS])


def _pruned(errors: Iterable[Error]) -> Iterator[Error]:
    """Drops what santhosh never checks: the rest of a subschema whose ``type`` failed."""
    failed: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
    count = 0
    for error in errors:
        where, schema = tuple(error.instance_path), tuple(error.schema_path)
        if any(where[: len(w)] == w and schema[: len(s)] == s for w, s in failed):
            continue
        if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Type):
            failed.append((where, schema[:-1]))
        yield error
        count += 1
        if count >= MAX_ERRORS:
            return


def _merged(errors: Iterable[Error]) -> Iterator[Error | tuple[str, list[str], Error]]:
    """One ``required`` failure per subschema, listing every missing property."""
    pending: tuple[str, list[str], Error] | None = None
    for error in errors:
        kind = error.kind
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
            key = pointer(error.instance_path) + "#" + "/".join(map(str, error.schema_path))
            if pending is not None and pending[0] == key:
                pending[1].append(str(kind.property))
                continue
            if pending is not None:
                yield pending
            pending = (key, [str(kind.property)], error)
            continue
        if pending is not None:
            yield pending
            pending = None
        yield error
    if pending is not None:
        yield pending


def _lines(item: Error | tuple[str, list[str], Error], schema: Any, depth: int) -> list[str]:
    if isinstance(item, tuple):
        _, names, error = item
        return [_line(error, missing_reason(error, names, schema), depth)]
    error = item
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.UnevaluatedProperties):
        base = list(error.instance_path)
        return [_at([*base, name], "false schema", depth) for name in kind.unexpected]
    lines = [_line(error, reason(error, schema), depth)]
    context = getattr(kind, "context", None)
    if context and not isinstance(kind, jsonschema_rs.ValidationErrorKind.OneOfMultipleValid):
        for branch in context:
            for cause in _merged(_pruned(branch)):
                lines.extend(_lines(cause, schema, depth + 1))
    return lines


def _line(error: Error, reason: str, depth: int) -> str:
    return _at(error.instance_path, reason, depth)


def _at(path: Iterable[Any], reason: str, depth: int) -> str:
    return f"{'  ' * depth}- at {quote(pointer(path))}: {reason}"
