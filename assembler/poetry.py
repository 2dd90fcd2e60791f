"""Builds a poetry-core project with the assembler's own poetry-core, in a subprocess.

No build environment to create and nothing to download (offline builds work), and the
backend's version is the one the report records. SOURCE_DATE_EPOCH is set, so the same
sources give the same bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from assembler.errors import AssembleError
from assembler.pyproject import read_pyproject

BACKEND = "poetry.core.masonry.api"
# Run in a child process: poetry-core reads the project from the working directory.
_BUILD = """
import sys
from poetry.core.masonry import api
out = sys.argv[1]
for kind in sys.argv[2:]:
    print(api.build_wheel(out) if kind == "wheel" else api.build_sdist(out))
"""


@dataclass(frozen=True)
class PoetryBuild:
    """What one run produced, by kind ("wheel", "sdist"), or why it failed."""

    ok: bool
    files: dict[str, Path]
    error: str  # the last lines of poetry-core's stderr, on one line


def own_poetry_core_fits(source: Path) -> bool:
    """True when ``source`` builds with poetry-core and the installed one satisfies it."""
    try:
        pyproject = read_pyproject(source)
        installed = version("poetry-core")
    except (AssembleError, PackageNotFoundError):
        return False
    if pyproject.build_backend != BACKEND:
        return False
    for raw in pyproject.build_requires:
        try:
            req = Requirement(raw)
        except (InvalidRequirement, TypeError):
            return False
        if req.name == "poetry-core" and not req.specifier.contains(installed, prereleases=True):
            return False
    return True


def poetry_build(project: Path, out: Path, *, epoch: int, kinds: tuple[str, ...]) -> PoetryBuild:
    """Builds ``kinds`` of ``project`` into ``out``; the caller words a failure."""
    out.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-c", _BUILD, str(out), *kinds],
        cwd=project,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)},
        capture_output=True,
        text=True,
    )
    error = " ".join(result.stderr.strip().splitlines()[-3:])
    if result.returncode != 0:
        return PoetryBuild(False, {}, error)
    names = result.stdout.split()[-len(kinds) :]
    return PoetryBuild(True, {k: out / name for k, name in zip(kinds, names, strict=True)}, error)
