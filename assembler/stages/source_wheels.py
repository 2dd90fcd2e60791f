"""Builds wheels from source trees (local modules, the core, git checkouts, sdists).

A poetry-core project is built with the assembler's own poetry-core (``assembler.poetry``);
any other backend gets an isolated ``uv build``. SOURCE_DATE_EPOCH is set either way, so the
same sources give the same wheel bytes.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from assembler.errors import AssembleError
from assembler.poetry import own_poetry_core_fits, poetry_build
from assembler.uvtool import run_uv


def build_wheel(source: Path, out_dir: Path, *, epoch: int, what: str) -> Path:
    """Builds one wheel of ``source`` (a folder or an sdist) into ``out_dir``."""
    with tempfile.TemporaryDirectory(prefix="assemble-wheel-") as tmp:
        if source.is_dir() and own_poetry_core_fits(source):
            built = poetry_build(source, Path(tmp), epoch=epoch, kinds=("wheel",))
            ok, tail = built.ok, built.error
        else:
            args = ["build", "--wheel", "--quiet", "--out-dir", tmp, str(source)]
            result = run_uv(args, env={"SOURCE_DATE_EPOCH": str(epoch)})
            ok, tail = result.returncode == 0, " ".join(result.stderr.strip().splitlines()[-3:])
        wheels = sorted(Path(tmp).glob("*.whl"))
        if not ok or len(wheels) != 1:
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
