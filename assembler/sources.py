"""Local source trees (core and contributed modules of this repository, company modules).

A ``[sources] local`` folder lets an edition resolve contributed modules by version range
from a checkout instead of an index, so the repository's own editions build from a clone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from assembler.errors import AssembleError
from assembler.pyproject import read_pyproject


@dataclass(frozen=True)
class LocalProject:
    path: Path
    name: str
    version: str


def read_project(path: Path) -> LocalProject:
    """Name and version from pyproject.toml ([project], or [tool.poetry] for older ones)."""
    pyproject = read_pyproject(path)
    name, version = pyproject.metadata.get("name"), pyproject.metadata.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        raise AssembleError("needs a static [project] name and version", file=pyproject.path)
    return LocalProject(path=path, name=canonicalize_name(name), version=version)


def local_projects(folders: tuple[Path, ...]) -> dict[str, LocalProject]:
    """Every project in the folders (a folder itself or its direct children), by name."""
    found: dict[str, LocalProject] = {}
    for folder in folders:
        candidates = [folder] if (folder / "pyproject.toml").is_file() else sorted(folder.iterdir())
        for candidate in candidates:
            if (candidate / "pyproject.toml").is_file():
                project = read_project(candidate)
                found.setdefault(project.name, project)
    return found
