"""Modules installed in this environment, found by their entry points.

An assembled edition does not use this: its registry lists its modules explicitly.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from importlib.metadata import EntryPoint, entry_points

from propylon.modules.contract import ENTRY_POINT_GROUP, Module

log = logging.getLogger("propylon.modules")


def installed_modules() -> list[Module]:
    modules = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        module = load_entry_point(entry)
        if module is not None:
            modules.append(module)
    return modules


def load_entry_point(entry: EntryPoint) -> Module | None:
    try:
        module = entry.load()
    except Exception as exc:
        log.error("module %s (%s) cannot be loaded: %s", entry.name, entry.value, exc)
        return None
    if not isinstance(module, Module):
        log.error("module %s (%s) is not a propylon Module", entry.name, entry.value)
        return None
    version = entry.dist.version if entry.dist is not None else ""
    return replace(module, version=module.version or version)
