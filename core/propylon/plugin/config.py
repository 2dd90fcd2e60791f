"""Reading a plugin namespace: ``{"name": "x" | ["x", "y"], "x": {...config of x...}}``."""

from __future__ import annotations

from typing import Any

from propylon.config.errors import ConfigError


def plugin_names(options: Any, where: str) -> list[str]:
    if not isinstance(options, dict):
        raise ConfigError("expected an object with a 'name'", where=where)
    names = options.get("name")
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ConfigError("'name' must be a plugin name or a list of names", where=f"{where}.name")
    return names


def plugin_config(options: dict[str, Any], name: str) -> dict[str, Any]:
    value = options.get(name)
    return value if isinstance(value, dict) else {}
