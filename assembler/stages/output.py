"""Build output staged beside its destination and swapped into place at the very end.

A build that fails or is killed half-way leaves the previous output exactly as it was: the
staging folder is removed (or, after a kill, by the next build) and never half-published.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from assembler.errors import AssembleError

MARKER = "report.json"  # what makes a folder ours to replace
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_abandoned(out: Path) -> None:
    for stale in out.parent.glob(f".{out.name}.*-*"):
        try:
            pid = int(stale.name.rsplit(".", 1)[1].split("-")[1])
        except (IndexError, ValueError):
            continue
        if not _alive(pid):
            shutil.rmtree(stale, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swaps two paths (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove(folder: Path) -> None:
    """Removes ``folder``, to the end even when Ctrl-C comes meanwhile (then raised)."""
    try:
        shutil.rmtree(folder, ignore_errors=True)
    except KeyboardInterrupt:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def publish(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        _remove(staging)  # now holds the previous output
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    os.rename(staging, out)
    _remove(old)


def check_replaceable(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise AssembleError(
            f"--out {out} exists and is not the output of a previous build: refusing to replace it"
        )


@contextlib.contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yields an empty folder; on success it becomes ``out``, on failure it disappears."""
    out = out.absolute()
    check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-{os.getpid()}-", dir=out.parent))
    try:
        yield staging
    except BaseException:
        _remove(staging)
        raise
    publish(staging, out)
