"""``flatmap_filter``: move, append and del operations on collections, with ``*`` wildcards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from propylon.config.errors import ConfigError
from propylon.proxy import paths

Operation = Callable[[dict[str, Any]], None]
OPERATIONS = ("move", "append", "del")


def compile_flatmap(spec: object) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    if not spec:
        return None
    if not isinstance(spec, list):
        raise ConfigError(
            "expected a list of operations", where="extra_config.proxy.flatmap_filter"
        )
    operations = [_compile(op, i) for i, op in enumerate(spec)]

    def apply(data: dict[str, Any]) -> dict[str, Any]:
        for operation in operations:
            operation(data)
        return data

    return apply


def _compile(op: object, index: int) -> Operation:
    where = f"extra_config.proxy.flatmap_filter[{index}]"
    if not isinstance(op, dict) or op.get("type") not in OPERATIONS:
        raise ConfigError(f"expected {{'type': one of {OPERATIONS}, 'args': [...]}}", where=where)
    args = op.get("args")
    kind = op["type"]
    wanted = 1 if kind == "del" else 2
    if (
        not isinstance(args, list)
        or len(args) < wanted
        or not all(isinstance(a, str) and a for a in args)
    ):
        raise ConfigError(
            f"{kind!r} takes {wanted} non-empty path argument(s)", where=f"{where}.args"
        )
    if kind == "del":
        targets = [paths.split(a) for a in args]
        return lambda data: _delete(data, targets)
    source, dest = paths.split(args[0]), paths.split(args[1])
    if kind == "move":
        return lambda data: _move(data, source, dest)
    return lambda data: _append(data, source, dest)


def _delete(data: dict[str, Any], targets: list[list[str]]) -> None:
    for tokens in targets:
        for concrete in reversed(list(paths.expand(data, tokens))):
            paths.delete(data, concrete)


def _move(data: dict[str, Any], source: list[str], dest: list[str]) -> None:
    for concrete in list(paths.expand(data, source)):
        value = paths.delete(data, concrete)
        if not paths.is_missing(value):
            paths.put(data, paths.bind(source, concrete, dest), value)


def _append(data: dict[str, Any], source: list[str], dest: list[str]) -> None:
    for concrete in list(paths.expand(data, source)):
        value = paths.delete(data, concrete)
        if paths.is_missing(value):
            continue
        target = paths.bind(source, concrete, dest)
        existing = paths.get(data, target, None)
        items = value if isinstance(value, list) else [value]
        if isinstance(existing, list):
            existing.extend(items)
        else:
            paths.put(data, target, ([existing] if existing is not None else []) + items)
