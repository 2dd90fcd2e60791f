"""Script text: the ``sources`` files joined as KrakenD joins them, and lines traced back.

KrakenD runs its source files as one chunk, joined by newlines, so a file's top-level locals
are seen by the files after it; an error's line in that chunk is traced back to its file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SOURCES, PRE, POST = "sources", "pre-script", "post-script"
_LOCATED = re.compile(r"^(sources|pre-script|post-script):(\d+): (.*)$", re.S)


class SourceError(Exception):
    """A source file that cannot be read, or whose checksum differs."""


def read_source(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the file: {exc.strerror or exc}") from None


def md5_of(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class Joined:
    """The sources as one chunk, and where each file starts in it."""

    text: bytes
    files: tuple[tuple[str, int], ...]  # (path, number of lines)

    @classmethod
    def of(cls, paths: Sequence[str], texts: Sequence[bytes]) -> Joined:
        files = tuple((p, t.count(b"\n") + 1) for p, t in zip(paths, texts, strict=True))
        return cls(b"\n".join(texts), files)

    def locate(self, line: int) -> tuple[int, str, int]:
        """(file index, path, line in that file) of a line of the joined chunk."""
        start = 0
        for index, (path, count) in enumerate(self.files):
            if line <= start + count:
                return index, path, line - start
            start += count
        last = len(self.files) - 1
        return last, self.files[last][0] if self.files else SOURCES, line


def split(message: str) -> tuple[str, int, str] | None:
    """``pre-script:3: boom`` -> (chunk, line, message); None if not located in a chunk."""
    found = _LOCATED.match(message)
    if found is None:
        return None
    return found.group(1), int(found.group(2)), found.group(3)


def described(message: str, joined: Joined | None) -> str:
    """A run's error as KrakenD words it: the message, then ``(script:Lline)``."""
    located = split(message)
    if located is None:
        return message
    chunk, line, text = located
    if chunk == SOURCES and joined is not None:
        _, path, line = joined.locate(line)
        chunk = Path(path).name
    return f"{text} ({chunk}:L{line})"
