"""A filesystem layer built in memory and written as a deterministic tar.

Entries are sorted, parents created, and every owner, mode and time fixed, so the same
contents always give the same bytes, and so the same digest.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    kind: bytes  # tarfile.REGTYPE, DIRTYPE or SYMTYPE
    data: bytes = b""
    mode: int = 0o644
    target: str = ""


class Layer:
    def __init__(self, mtime: int) -> None:
        self.mtime = mtime
        self.entries: dict[str, Entry] = {}

    def _parents(self, path: str) -> None:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            self.entries.setdefault("/".join(parts[:i]), Entry(tarfile.DIRTYPE, mode=0o755))

    def add_file(self, path: str, data: bytes, mode: int = 0o644) -> None:
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = Entry(tarfile.REGTYPE, data, mode)

    def add_symlink(self, path: str, target: str) -> None:
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = Entry(tarfile.SYMTYPE, target=target, mode=0o777)

    def add_dir(self, path: str, mode: int = 0o755) -> None:
        path = path.strip("/")
        self._parents(path)
        self.entries[path] = Entry(tarfile.DIRTYPE, mode=mode)

    def tar(self) -> bytes:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for path in sorted(self.entries):
                entry = self.entries[path]
                info = tarfile.TarInfo(path)
                info.type, info.mode, info.mtime = entry.kind, entry.mode, self.mtime
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                if entry.kind == tarfile.REGTYPE:
                    info.size = len(entry.data)
                    tar.addfile(info, io.BytesIO(entry.data))
                else:
                    info.linkname = entry.target
                    tar.addfile(info)
        return buffer.getvalue()


def compress(data: bytes) -> bytes:
    """gzip with no name and no time in the header: the same input, the same blob."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()
