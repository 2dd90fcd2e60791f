"""One error type for everything the user can fix: printed as one line, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Protocol

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key_path(*parts: str) -> str | None:
    """A key as TOML writes it (``image.labels."a b"``), None for no key."""
    return ".".join(p if _BARE_KEY.fullmatch(p) else json.dumps(p) for p in parts) or None


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters shown as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class AssembleError(Exception):
    """A problem in the user's inputs or environment, located where possible."""

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.key = key

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line:
                where += f":{self.line}"
            where += ": "
        key = f"{self.key}: " if self.key else ""
        return f"{where}{key}{self.message}"


class Locator(Protocol):
    """Makes an error located at a key of a file (``Manifest.error``): a stage that reads a
    few fields of the manifest can still name the line a problem comes from."""

    def __call__(self, message: str, *key: str) -> AssembleError: ...
