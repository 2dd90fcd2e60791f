"""Where the assembler keeps what it can reuse between builds (downloads, base layers)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(*parts: str) -> Path:
    root = os.environ.get("PROPYLON_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "propylon"
    )
    path = Path(root, *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
