"""Buckets in one process: how a gateway with one worker (and every in-process test) counts.

The keyed store is KrakenD's sharded memory store: ``num_shards`` maps, and buckets idle for
the store's TTL are dropped every ``cleanup_period``. The sweep runs a few shards at a time on
the requests that find it due, so a large store never holds the event loop for long.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from propylon_ratelimit.bucket import SECOND, Rate, take

Clock = Callable[[], int]
# A sweep of every shard is spread over this many requests.
SWEEP_STEPS = 16


class MemoryBucket:
    """One bucket for every request (``max_rate``), full when made."""

    def __init__(self, rate: Rate, clock: Clock = time.monotonic_ns) -> None:
        self.rate = rate
        self.clock = clock
        self.tokens = rate.capacity
        self.last = clock()

    def allow_at(self, now: int) -> bool:
        allowed, self.tokens, self.last = take(self.rate, self.tokens, self.last, now)
        return allowed

    async def allow(self, key: str = "") -> bool:
        return self.allow_at(self.clock())


class MemoryStore:
    """A bucket per key (``client_max_rate``), made full on a key's first request."""

    def __init__(
        self,
        rate: Rate,
        ttl: int,
        shards: int = 2048,
        cleanup_period: float = 60.0,
        clock: Clock = time.monotonic_ns,
    ) -> None:
        self.rate = rate
        self.ttl = ttl
        self.clock = clock
        # key -> [tokens, last refill, last access]
        self.shards: list[dict[str, list[int]]] = [{} for _ in range(max(1, shards))]
        # As KrakenD: never sweep more often than once a second.
        self.period = int(max(cleanup_period, 1.0) * SECOND)
        self.step = -(-len(self.shards) // SWEEP_STEPS)
        self.cursor = -1
        self.next_round = clock() + self.period

    def __len__(self) -> int:
        return sum(len(shard) for shard in self.shards)

    def allow_at(self, key: str, now: int) -> bool:
        shard = self.shards[hash(key) % len(self.shards)]
        entry = shard.get(key)
        if entry is None:
            entry = shard[key] = [self.rate.capacity, now, now]
        allowed, entry[0], entry[1] = take(self.rate, entry[0], entry[1], now)
        entry[2] = now
        self.sweep(now)
        return allowed

    async def allow(self, key: str) -> bool:
        return self.allow_at(key, self.clock())

    def sweep(self, now: int) -> None:
        """Drops idle buckets from the next few shards when a round is due or under way."""
        if self.cursor < 0:
            if now < self.next_round:
                return
            self.cursor = 0
        end = min(self.cursor + self.step, len(self.shards))
        oldest = now - self.ttl
        for shard in self.shards[self.cursor : end]:
            for key in [k for k, entry in shard.items() if entry[2] < oldest]:
                del shard[key]
        self.cursor = end
        if end == len(self.shards):
            self.cursor = -1
            self.next_round = now + self.period
