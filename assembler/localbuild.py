"""Builds wheels from source trees (local modules, the core, git checkouts, sdists).

A poetry-core project is built with the assembler's own poetry-core, in a subprocess: no
build environment to create, nothing to download (so offline builds work), and the backend
version is the one the report records. Any other backend gets an isolated ``uv build``.
SOURCE_DATE_EPOCH is set either way, so the same sources give the same wheel bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from assembler.errors import AssembleError
from assembler.tomlfile import read_toml
from assembler.uvtool import run_uv

POETRY_BACKEND = "poetry.core.masonry.api"
BUILD_WHEEL = "import sys; from poetry.core.masonry import api; print(api.build_wheel(sys.argv[1]))"


def _own_poetry_core_fits(source: Path) -> bool:
    """True when ``source`` builds with poetry-core and the installed one satisfies it."""
    try:
        data = read_toml(source / "pyproject.toml", missing="no pyproject.toml").data
        installed = version("poetry-core")
    except (AssembleError, PackageNotFoundError):
        return False
    system = data.get("build-system")
    if not isinstance(system, dict) or system.get("build-backend") != POETRY_BACKEND:
        return False
    requires = system.get("requires", [])
    for raw in requires if isinstance(requires, list) else [None]:
        try:
            req = Requirement(raw)
        except (InvalidRequirement, TypeError):
            return False
        if req.name == "poetry-core" and not req.specifier.contains(installed, prereleases=True):
            return False
    return True


def build_wheel(source: Path, out_dir: Path, *, epoch: int, what: str) -> Path:
    """Builds one wheel of ``source`` (a folder or an sdist) into ``out_dir``."""
    env = {"SOURCE_DATE_EPOCH": str(epoch)}
    with tempfile.TemporaryDirectory(prefix="assemble-wheel-") as tmp:
        if source.is_dir() and _own_poetry_core_fits(source):
            result = subprocess.run(
                [sys.executable, "-c", BUILD_WHEEL, tmp],
                cwd=source,
                env={**os.environ, **env},
                capture_output=True,
                text=True,
            )
        else:
            result = run_uv(["build", "--wheel", "--quiet", "--out-dir", tmp, str(source)], env=env)
        wheels = sorted(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or len(wheels) != 1:
            tail = " ".join(result.stderr.strip().splitlines()[-3:])
            raise AssembleError(f"cannot build {what} from {source}: {tail or 'no wheel'}")
        target = out_dir / wheels[0].name
        wheels[0].replace(target)
        return target


def checkout_git(url: str, rev: str, dest: Path) -> Path:
    """A clean checkout of ``rev`` (a commit, tag or branch) of ``url``."""
    clone = ["clone", "--quiet", url, str(dest)]
    for args in (clone, ["-C", str(dest), "checkout", "--quiet", rev]):
        result = subprocess.run(["git", *args], capture_output=True, text=True)
        if result.returncode != 0:
            raise AssembleError(f"git {args[0]} {url}@{rev} failed: {result.stderr.strip()}")
    return dest
