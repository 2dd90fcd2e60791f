"""The entity formatter: target -> allow/deny -> mapping -> group, or a flatmap_filter.

Applied to every decoded backend response, it shapes what the backend contributes to the
endpoint's response.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from propylon.config.core_options import PROXY
from propylon.config.model import BackendConfig
from propylon.proxy import paths
from propylon.proxy.flatmap import compile_flatmap

Formatter = Callable[[dict[str, Any]], dict[str, Any]]


def new_formatter(backend: BackendConfig) -> Formatter | None:
    """None when the backend's data passes unchanged (the common, fast case)."""
    target = paths.split(backend.target)
    options = PROXY.of(backend)
    flatmap = compile_flatmap(options.flatmap_filter) if options is not None else None
    steps: list[Formatter] = []
    if target:
        steps.append(lambda data: _extract(data, target))
    if flatmap is not None:
        steps.append(flatmap)
    elif backend.allow:
        allowed = [paths.split(p) for p in backend.allow]
        steps.append(lambda data: _allow(data, allowed))
    elif backend.deny:
        denied = [paths.split(p) for p in backend.deny]
        steps.append(lambda data: _deny(data, denied))
    if backend.mapping and flatmap is None:
        mapping = dict(backend.mapping)
        steps.append(lambda data: _rename(data, mapping))
    if backend.group:
        group = backend.group
        steps.append(lambda data: {group: data})
    if not steps:
        return None
    if len(steps) == 1:
        return steps[0]

    def format_all(data: dict[str, Any]) -> dict[str, Any]:
        for step in steps:
            data = step(data)
        return data

    return format_all


def _extract(data: dict[str, Any], target: list[str]) -> dict[str, Any]:
    value = paths.get(data, target, None)
    return value if isinstance(value, dict) else {}


def _allow(data: dict[str, Any], allowed: list[list[str]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for tokens in allowed:
        _copy_path(data, result, tokens)
    return result


def _copy_path(source: Any, dest: dict[str, Any], tokens: list[str]) -> None:
    head, rest = tokens[0], tokens[1:]
    if not isinstance(source, dict) or head not in source:
        return
    value = source[head]
    if not rest:
        dest[head] = value
    elif isinstance(value, dict):
        _copy_path(value, dest.setdefault(head, {}), rest)
    elif isinstance(value, list):
        items = dest.setdefault(head, [{} for _ in value])
        for item, out in zip(value, items, strict=False):
            _copy_path(item, out, rest)


def _deny(data: dict[str, Any], denied: list[list[str]]) -> dict[str, Any]:
    for tokens in denied:
        _delete_path(data, tokens)
    return data


def _delete_path(data: Any, tokens: list[str]) -> None:
    head, rest = tokens[0], tokens[1:]
    if isinstance(data, list):
        for item in data:
            _delete_path(item, tokens)
    elif isinstance(data, dict) and head in data:
        if rest:
            _delete_path(data[head], rest)
        else:
            del data[head]


def _rename(data: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    for old, new in mapping.items():
        if old in data:
            data[new] = data.pop(old)
    return data
