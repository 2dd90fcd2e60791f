"""KrakenD's token bucket, as arithmetic every store shares (memory, shared memory, Redis).

A bucket starts full. A request takes a token while there are any; only an empty bucket is
refilled, with the whole fill intervals elapsed since its last refill, so the time a bucket
spent full counts once it empties. A refill that would overflow fills the bucket and lets the
request through without taking a token. Times are integer nanoseconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from propylon_ratelimit.options import ProxyLimitOptions, RouterLimitOptions

SECOND = 1_000_000_000
# Buckets idle this long are dropped (a new one is full), or `every` plus up to a quarter.
DATA_TTL = 600 * SECOND


@dataclass(frozen=True, slots=True)
class Rate:
    interval: int  # nanoseconds per token
    capacity: int

    @classmethod
    def of(cls, per_second: float, capacity: int) -> Rate:
        per_second = max(per_second, 1e-9)
        return cls(max(1, int(SECOND / per_second)), max(1, capacity))


def take(rate: Rate, tokens: int, last: int, now: int) -> tuple[bool, int, int]:
    """(allowed, tokens, last refill) after one request at ``now``."""
    if tokens > 0:
        return True, tokens - 1, last
    add = (now - last) // rate.interval
    if add <= 0:
        return False, tokens, last
    last += add * rate.interval
    if add > rate.capacity:
        return True, rate.capacity, last
    return True, add - 1, last


def full_at(rate: Rate, tokens: int, last: int) -> int:
    """When a bucket left alone is full again: from then on it is as good as a new one."""
    return last + (rate.capacity - tokens) * rate.interval


def default_capacity(per_second: float) -> int:
    """KrakenD's capacity when none is set: the rate per second, at least one."""
    return 1 if per_second < 1 else int(per_second)


@dataclass(frozen=True, slots=True)
class RouterRates:
    endpoint: Rate | None  # max_rate: every client together
    client: Rate | None  # client_max_rate: each client
    ttl: int  # how long an idle client's bucket is kept


def router_rates(options: RouterLimitOptions) -> RouterRates:
    every = max(options.every, 1.0)
    rate = options.max_rate / every
    client_rate = options.client_max_rate / every
    ttl = DATA_TTL
    if every * SECOND > DATA_TTL:
        ttl = int((1 + 0.25 * random.random()) * every * SECOND)  # jitter, not secrets
    endpoint = None
    if rate > 0:
        endpoint = Rate.of(rate, options.capacity or default_capacity(rate))
    client = None
    if client_rate > 0:
        client = Rate.of(client_rate, options.client_capacity or default_capacity(client_rate))
    return RouterRates(endpoint, client, ttl)


def proxy_rate(options: ProxyLimitOptions) -> Rate | None:
    rate = options.max_rate / options.every
    if rate <= 0:
        return None
    return Rate.of(rate, options.capacity or default_capacity(rate))
