"""``consumer.max_rate``: a token bucket of ``max(1, rate)`` tokens refilled ``rate`` per
second, as KrakenD's agent uses; 0 is no limit."""

from __future__ import annotations

import asyncio
import time


class RateLimit:
    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, float(int(rate)))
        self._tokens = self.capacity
        self._at = time.monotonic()

    async def wait(self) -> None:
        if self.rate <= 0:
            return
        while True:
            now = time.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens >= 1:
                self._tokens -= 1
                return
            await asyncio.sleep((1 - self._tokens) / self.rate)
