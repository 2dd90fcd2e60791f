"""Dot paths into decoded data (``a.b.0.c``, ``*`` for every element of a list)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_MISSING = object()


def split(path: str) -> list[str]:
    return path.split(".") if path else []


def get(data: Any, tokens: list[str], default: Any = _MISSING) -> Any:
    current = data
    for token in tokens:
        if isinstance(current, dict) and token in current:
            current = current[token]
        elif isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
        else:
            return default
    return current


def expand(data: Any, tokens: list[str], prefix: tuple[str, ...] = ()) -> Iterator[list[str]]:
    """Every concrete path that ``tokens`` (which may hold ``*``) names in ``data``."""
    if not tokens:
        yield list(prefix)
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from expand(item, rest, (*prefix, str(i)))
        elif isinstance(data, dict):
            for key, item in data.items():
                yield from expand(item, rest, (*prefix, key))
        return
    child = get(data, [head])
    if child is not _MISSING:
        yield from expand(child, rest, (*prefix, head))
    elif not rest:
        yield [*prefix, head]


def bind(source: list[str], concrete: list[str], target: list[str]) -> list[str]:
    """``target``'s wildcards filled, in order, with what ``source``'s took in ``concrete``."""
    taken = iter([c for c, t in zip(concrete, source, strict=True) if t == "*"])
    return [next(taken, "*") if token == "*" else token for token in target]


def delete(data: Any, tokens: list[str]) -> Any:
    """Removes the value at ``tokens``; returns it (or the missing marker)."""
    parent = get(data, tokens[:-1])
    last = tokens[-1] if tokens else ""
    if isinstance(parent, dict):
        return parent.pop(last, _MISSING)
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        return parent.pop(int(last))
    return _MISSING


def put(data: Any, tokens: list[str], value: Any) -> None:
    """Sets the value at ``tokens``, creating intermediate objects."""
    current = data
    for token in tokens[:-1]:
        if isinstance(current, list) and token.isdigit() and int(token) < len(current):
            current = current[int(token)]
            continue
        if not isinstance(current, dict):
            return
        current = current.setdefault(token, {})
    if isinstance(current, dict):
        current[tokens[-1]] = value
    elif isinstance(current, list) and tokens[-1].isdigit() and int(tokens[-1]) < len(current):
        current[int(tokens[-1])] = value


def is_missing(value: Any) -> bool:
    return value is _MISSING
