"""Finds the line of a key in a TOML text, because tomllib reports no positions.

Good enough for manifests: table headers, dotted headers, plain and inline-table keys.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = r"""^\s*(?:"{k}"|'{k}'|{k})\s*="""


def _split(header: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in header.split("."))


def key_line(text: str, path: tuple[str, ...]) -> int | None:
    """1-based line of the deepest part of ``path`` found, or None."""
    lines = text.splitlines()
    table: tuple[str, ...] = ()
    best: tuple[int, int] | None = None  # (depth matched, line)

    def consider(depth: int, lineno: int) -> None:
        nonlocal best
        if best is None or depth > best[0]:
            best = (depth, lineno)

    for lineno, line in enumerate(lines, start=1):
        header = _HEADER.match(line)
        if header:
            table = _split(header.group(1))
            if path[: len(table)] == table:
                consider(len(table), lineno)
            continue
        if path[: len(table)] != table or len(path) <= len(table):
            continue
        rest = path[len(table) :]
        if re.match(_KEY.format(k=re.escape(rest[0])), line):
            depth = len(table) + 1
            # Inline tables: the nested keys sit on the same line.
            for part in rest[1:]:
                if re.search(rf"""[{{,]\s*(?:"{re.escape(part)}"|{re.escape(part)})\s*=""", line):
                    depth += 1
                else:
                    break
            consider(depth, lineno)
    return best[1] if best else None
