"""``flatmap_filter``: move, append and del operations on collections, with ``*`` wildcards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from propylon.config.core_options import FlatmapOperation
from propylon.proxy import paths
from propylon.proxy.types import Middleware, Proxy, Request, Response

Operation = Callable[[dict[str, Any]], None]
Flatmap = Callable[[dict[str, Any]], dict[str, Any]]


def compile_flatmap(operations: Sequence[FlatmapOperation]) -> Flatmap | None:
    """The operations as one function over decoded data; None when there are none."""
    if not operations:
        return None
    compiled = [_compile(op) for op in operations]

    def apply(data: dict[str, Any]) -> dict[str, Any]:
        for operation in compiled:
            operation(data)
        return data

    return apply


def new_flatmap(operations: Sequence[FlatmapOperation]) -> Middleware:
    """The endpoint's ``flatmap_filter`` over the merged data of its backends."""
    flatmap = compile_flatmap(operations)

    def middleware(next_proxy: Proxy) -> Proxy:
        if flatmap is None:
            return next_proxy

        async def endpoint_flatmap(request: Request) -> Response:
            response = await next_proxy(request)
            if response.error is None:
                response.data = flatmap(response.data)
            return response

        return endpoint_flatmap

    return middleware


def _compile(op: FlatmapOperation) -> Operation:
    if op.type == "del":
        targets = [paths.split(a) for a in op.args]
        return lambda data: _delete(data, targets)
    source, dest = paths.split(op.args[0]), paths.split(op.args[1])
    if op.type == "move":
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
