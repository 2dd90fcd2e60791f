"""Builds wheels from source trees (local modules, the core, git checkouts, sdists) with uv.

SOURCE_DATE_EPOCH is set so the same sources give the same wheel bytes.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from assembler.errors import AssembleError
from assembler.uvtool import run_uv


def build_wheel(source: Path, out_dir: Path, *, epoch: int, what: str) -> Path:
    """Builds one wheel of ``source`` (a folder or an sdist) into ``out_dir``."""
    with tempfile.TemporaryDirectory(prefix="assemble-wheel-") as tmp:
        result = run_uv(
            ["build", "--wheel", "--quiet", "--out-dir", tmp, str(source)],
            env={"SOURCE_DATE_EPOCH": str(epoch)},
        )
        wheels = sorted(Path(tmp).glob("*.whl"))
        if result.returncode != 0 or len(wheels) != 1:
            tail = " ".join(result.stderr.strip().splitlines()[-3:])
            raise AssembleError(f"cannot build {what} from {source}: {tail or 'no wheel'}")
        target = out_dir / wheels[0].name
        wheels[0].replace(target)
        return target


def checkout_git(url: str, rev: str, dest: Path) -> Path:
    """A clean checkout of ``rev`` (a commit, tag or branch) of ``url``."""
    for args in (
        ["clone", "--quiet", url, str(dest)],
        ["-C", str(dest), "checkout", "--quiet", rev],
    ):
        result = subprocess.run(["git", *args], capture_output=True, text=True)
        if result.returncode != 0:
            raise AssembleError(f"git {args[0]} {url}@{rev} failed: {result.stderr.strip()}")
    return dest
