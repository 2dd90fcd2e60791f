"""The figures of every worker of a gateway, as one.

A module that counts (requests, latencies) counts in its own worker, with no lock on the
request path; a scrape or a stats request must still answer for the whole gateway. Before
the workers fork, ``prepare`` (from the module's ``prefork``) makes a folder every worker
inherits. Each worker writes its figures there now and then (one file per process, replaced
atomically), and whichever worker answers adds its own live figures to the others' files.
Without ``prepare`` (an in-process gateway) the figures are the process's own.
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


class WorkerFigures:
    """One module's figures shared between the workers; ``name`` names its folder."""

    # How often a worker is expected to write: what the others' figures may lag by.
    flush_seconds = 0.5

    def __init__(self, name: str) -> None:
        self.name = name
        self.folder: Path | None = None

    def prepare(self) -> Path:
        """The folder of this gateway's workers, removed when the supervising process exits."""
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix=f"propylon-{self.name}-"))
            atexit.register(shutil.rmtree, self.folder, True)
        return self.folder

    def write(self, dump: dict[str, Any]) -> None:
        """This worker's figures, for the others (nothing without a prepared folder)."""
        if self.folder is None:
            return
        target = self.folder / f"{os.getpid()}.json"
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(orjson.dumps(dump))
        temporary.replace(target)

    def others(self) -> list[dict[str, Any]]:
        """The last figures each other live worker wrote; a dead worker's are removed (a
        worker started in its place writes its own)."""
        if self.folder is None:
            return []
        own = os.getpid()
        found = []
        for path in self.folder.glob("*.json"):
            if not path.stem.isdigit() or int(path.stem) == own:
                continue
            if not _alive(int(path.stem)):
                path.unlink(missing_ok=True)
                continue
            with contextlib.suppress(OSError, orjson.JSONDecodeError):
                found.append(orjson.loads(path.read_bytes()))
        return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
