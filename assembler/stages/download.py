"""Downloads locked files into a content-addressed cache, checking each against its hash.

A cached file is checked again every time it is used: a file changed on disk after it was
downloaded is refused, never silently replaced or installed.
"""

from __future__ import annotations

import os
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

from assembler.cache import cache_dir
from assembler.errors import AssembleError
from assembler.hashing import sha256_file

ATTEMPTS = 3


def cached_path(name: str, sha256: str) -> Path:
    return cache_dir("files", sha256[:2], sha256) / name


def fetch(url: str, name: str, sha256: str, *, lock: Path) -> Path:
    """The verified local copy of ``url``; raises naming the file on a hash mismatch."""
    if not sha256:
        raise AssembleError(f"{name} has no sha256 in the lock: refusing to use it", file=lock)
    path = cached_path(name, sha256)
    if not path.exists():
        _download(url, path)
        if sha256_file(path) != sha256:
            path.unlink()
            raise AssembleError(
                f"{url} does not match its sha256 in the lock: refusing to build", file=lock
            )
        return path
    actual = sha256_file(path)
    if actual != sha256:
        raise AssembleError(
            f"{name}: sha256 {actual[:16]}... does not match the lock ({sha256[:16]}...): "
            f"the file at {path} was changed; refusing to build (delete it to download again)",
            file=lock,
        )
    return path


def _download(url: str, path: Path) -> None:
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(url, timeout=60) as response, part.open("wb") as out:
                shutil.copyfileobj(response, out, 1 << 20)
            os.replace(part, path)
            return
        except (urllib.error.URLError, OSError) as exc:
            part.unlink(missing_ok=True)
            if attempt == ATTEMPTS:
                raise AssembleError(f"cannot download {url}: {exc}") from None
            time.sleep(attempt)
