"""Reads a source project's ``pyproject.toml``: the one place its tables are looked up.

Local modules, the core and git checkouts are all read here, through the safe TOML reader,
so a hand-written or hostile file fails the same way wherever the assembler meets it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembler.tomlfile import read_toml


def _table(value: Any, *keys: str) -> dict[str, Any]:
    """The nested table at ``keys``, {} where any level is missing or not a table."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Pyproject:
    path: Path  # the pyproject.toml file
    data: dict[str, Any]

    @property
    def metadata(self) -> dict[str, Any]:
        """``[project]``, or ``[tool.poetry]`` for projects written before PEP 621."""
        return _table(self.data, "project") or _table(self.data, "tool", "poetry")

    @property
    def build_backend(self) -> str:
        backend = _table(self.data, "build-system").get("build-backend")
        return backend if isinstance(backend, str) else ""

    @property
    def build_requires(self) -> list[Any]:
        """The raw ``requires`` entries; a value that is not a list reads as one bad entry."""
        requires = _table(self.data, "build-system").get("requires", [])
        return requires if isinstance(requires, list) else [None]

    def declares_entry_points(self, group: str) -> bool:
        """Static entry points of ``group`` in ``[project.entry-points]`` or poetry's plugins."""
        points = _table(self.data, "project", "entry-points")
        poetry = _table(self.data, "tool", "poetry", "plugins")
        return bool(points.get(group) or poetry.get(group))


def read_pyproject(folder: Path) -> Pyproject:
    """``folder/pyproject.toml``; an ``AssembleError`` naming the file if missing or invalid."""
    path = folder / "pyproject.toml"
    return Pyproject(path, read_toml(path, missing="no pyproject.toml").data)
