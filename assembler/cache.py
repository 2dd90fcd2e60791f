"""Where the assembler keeps what it can reuse between builds (downloads, image layers).

Layers are big and every dependency change makes a new one, so their folder is trimmed to
a size budget, least recently used first.
"""

from __future__ import annotations

import os
from pathlib import Path

LAYER_BUDGET = int(os.environ.get("PROPYLON_LAYER_CACHE_MB", "2048")) << 20


def cache_dir(*parts: str) -> Path:
    root = os.environ.get("PROPYLON_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "propylon"
    )
    path = Path(root, *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def touch(path: Path) -> None:
    """Marks a cached file as used now, so trimming keeps it."""
    os.utime(path)


def trim(folder: Path, budget: int = LAYER_BUDGET) -> None:
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    total = 0
    for path in files:
        total += path.stat().st_size
        if total > budget:
            path.unlink(missing_ok=True)
