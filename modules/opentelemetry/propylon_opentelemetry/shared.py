"""The figures of every worker of a gateway, as one.

Before the workers fork, ``prepare`` makes a folder every worker sees. Each worker writes
its figures there twice a second (one file per process, replaced atomically), and whichever
worker answers a Prometheus scrape (or exports to OTLP) adds its own live figures to the
others' files. Files rather than
shared memory: a request only touches the worker's own counters, with no lock, and the cost
of sharing (a small JSON write) is paid off the request path. Without ``prepare`` (one
in-process gateway) the figures are the process's own.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import orjson

FLUSH_SECONDS = 0.5
_folder: Path | None = None


def prepare() -> Path:
    """A folder for this gateway's workers, removed when the supervising process exits."""
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="propylon-otel-"))
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


def folder() -> Path | None:
    return _folder


def write(dump: dict[str, Any]) -> None:
    if _folder is None:
        return
    target = _folder / f"{os.getpid()}.json"
    temporary = target.with_suffix(".tmp")
    temporary.write_bytes(orjson.dumps(dump))
    temporary.replace(target)


def others() -> list[dict[str, Any]]:
    """The last figures each other worker wrote."""
    if _folder is None:
        return []
    own = f"{os.getpid()}.json"
    found = []
    for path in _folder.glob("*.json"):
        if path.name == own:
            continue
        with contextlib.suppress(OSError, orjson.JSONDecodeError):
            found.append(orjson.loads(path.read_bytes()))
    return found
