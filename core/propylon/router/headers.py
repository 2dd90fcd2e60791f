"""Header names as Go writes them (``x-y-z`` -> ``X-Y-Z``), which backends and specs expect."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def canonical(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))
