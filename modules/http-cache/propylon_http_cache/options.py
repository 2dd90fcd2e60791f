"""The ``qos/http-cache`` options: KrakenD's ``shared``, ``max_size`` and ``max_items``, and a
Redis store.

KrakenD keeps an unbounded map unless both sizes are given; here every cache is bounded, so
0 (or leaving a size out) takes the default instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from propylon.sdk import Duration, Namespace, OptionError, Range, Scope

MiB = 1024 * 1024
DEFAULT_MAX_SIZE = 16 * MiB
DEFAULT_MAX_ITEMS = 10_000
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass(frozen=True)
class RedisOptions:
    url: str
    # Longest wait for one Redis command; past it the backend is called instead.
    timeout: Annotated[Duration, Range(0.001, 60)] = 0.25
    key_prefix: str = "propylon:http-cache:"

    def __post_init__(self) -> None:
        if not self.url.startswith(REDIS_SCHEMES):
            raise OptionError(
                "url", f"expected a redis://, rediss:// or unix:// URL, got {self.url!r}"
            )


@dataclass(frozen=True)
class HttpCacheOptions:
    shared: bool = False
    # Bytes the cache may hold (responses, keys and bookkeeping); the least recently used go.
    max_size: Annotated[int, Range(0, 1 << 40)] = 0
    max_items: Annotated[int, Range(0, 100_000_000)] = 0
    redis: RedisOptions | None = None

    @property
    def size(self) -> int:
        return self.max_size or DEFAULT_MAX_SIZE

    @property
    def items(self) -> int:
        return self.max_items or DEFAULT_MAX_ITEMS


HTTP_CACHE = Namespace("qos/http-cache", HttpCacheOptions, frozenset({Scope.BACKEND}))
