"""Which origins may call: exact names, one-wildcard patterns, or ``*`` for all.

Matching ignores case, as rs/cors does (the spec says case-sensitive; browsers send lower case).
"""

from __future__ import annotations

from collections.abc import Sequence


class Origins:
    def __init__(self, allowed: Sequence[str]) -> None:
        lowered = [origin.lower() for origin in allowed]
        self.all = "*" in lowered
        self.exact = frozenset(o for o in lowered if "*" not in o)
        # Only the first ``*`` is a wildcard: ``prefix*suffix``.
        self.wildcards = tuple(tuple(o.split("*", 1)) for o in lowered if "*" in o and o != "*")

    def allows(self, origin: str) -> bool:
        if self.all:
            return True
        origin = origin.lower()
        if origin in self.exact:
            return True
        return any(
            len(origin) >= len(prefix) + len(suffix)
            and origin.startswith(prefix)
            and origin.endswith(suffix)
            for prefix, suffix in self.wildcards
        )
