"""What the middlewares ask a store: may one more request under ``key`` pass now?"""

from __future__ import annotations

from typing import Protocol


class Unavailable(Exception):
    """The store could not answer in time and its failure mode is ``closed``."""


class Limiter(Protocol):
    async def allow(self, key: str) -> bool:
        """True when the request under ``key`` takes a token; raises ``Unavailable``."""
        ...
