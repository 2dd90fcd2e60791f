"""The shape every document must have before it is read field by field.

JSON, YAML and TOML parsers accept more than a gateway can serve: YAML keys that are not
strings, aliases that refer to themselves or expand a few lines into millions of values,
infinite floats, integers too long to print, sets and binary values. One iterative walk (no
recursion, however deep the input) refuses each, naming where it sits. Dates and times, which
YAML and TOML read from unquoted text, become the ISO strings a JSON configuration holds.
"""

from __future__ import annotations

import datetime
import math
import sys
from typing import Any, NamedTuple

from propylon.config.errors import ConfigError, number_of_digits, preview
from propylon.config.limits import MAX_DEPTH, MAX_VALUES


class _Node(NamedTuple):
    value: Any
    depth: int
    parent: _Node | None
    key: str | int | None


def check_shape(document: dict[str, Any]) -> None:
    """Raises ConfigError, naming the path, at the first value a gateway cannot hold."""
    stack = [_Node(document, 0, None, None)]
    count = 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise ConfigError(
                f"more than {MAX_VALUES} values in all (YAML aliases repeated?)",
                where=_path(node),
            )
        value = node.value
        if isinstance(value, dict | list):
            if node.depth >= MAX_DEPTH:
                raise ConfigError(f"nested more than {MAX_DEPTH} levels deep", where=_path(node))
            if isinstance(value, list):
                stack.extend(_Node(c, node.depth + 1, node, i) for i, c in enumerate(value))
                continue
            for key, child in value.items():
                if not isinstance(key, str):
                    raise ConfigError(
                        f"the key {preview(key)} is not a string; quote it", where=_path(node)
                    )
                stack.append(_Node(child, node.depth + 1, node, key))
        elif isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(
                f"{value} is not a number a configuration can hold", where=_path(node)
            )
        elif isinstance(value, int) and not isinstance(value, bool):
            limit = sys.get_int_max_str_digits() or 4300
            if number_of_digits(value) > limit:
                raise ConfigError(f"a number of more than {limit} digits", where=_path(node))
        elif isinstance(value, datetime.date | datetime.time) and node.parent is not None:
            node.parent.value[node.key] = value.isoformat()
        elif not isinstance(value, str | float | int | None):
            what = _KINDS.get(type(value), f"a {type(value).__name__}")
            raise ConfigError(
                f"{what} has no JSON equivalent: write a string, a number, true, false, null, "
                "a list or an object",
                where=_path(node),
            )


_KINDS: dict[type, str] = {bytes: "binary data (!!binary)", set: "a set (!!set)"}


def _path(node: _Node) -> str:
    """``endpoints[0].backend[1].host``: built only when an error names it."""
    parts: list[str] = []
    current: _Node | None = node
    while current is not None and current.parent is not None:
        key = current.key
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
        current = current.parent
    parts.reverse()
    if len(parts) > _SHOWN:
        parts = [*parts[: _SHOWN - 1], f"...({len(parts) - _SHOWN + 1} more)"]
    return "".join(parts).lstrip(".")


# Segments of a path a message shows: enough to find the place, never a screenful.
_SHOWN = 8
