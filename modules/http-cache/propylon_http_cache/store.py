"""Where entries live: a bounded LRU map in the worker's memory, or Redis for several gateways.

A store never fails a request: a Redis error or timeout reads as a miss (the backend is
called), and writes are dropped. Both stores refuse an entry larger than their ``max_size``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

# What Python spends per entry beyond its key and value bytes (dict slot, order links,
# object headers): measured at about 150 bytes, counted generously.
ENTRY_OVERHEAD = 200
# After a Redis failure, requests skip it this long (seconds) instead of each waiting for it.
RETRY_AFTER = 1.0


class Store(Protocol):
    max_size: int

    async def get(self, key: str) -> bytes | None: ...
    async def set(self, key: str, value: bytes, ttl: float) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def close(self) -> None: ...


def cost(key: str, value: bytes) -> int:
    """The memory an entry is accounted for."""
    return len(key.encode()) + len(value) + ENTRY_OVERHEAD


class MemoryStore:
    """At most ``max_size`` accounted bytes and ``max_items`` entries; the least recently
    used go first. ``ttl`` is not needed: expired entries are revalidated or replaced."""

    def __init__(self, max_size: int, max_items: int) -> None:
        self.max_size = max_size
        self.max_items = max_items
        self.size = 0
        self._items: OrderedDict[str, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: str) -> bool:
        return key in self._items

    async def get(self, key: str) -> bytes | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        self._drop(key)
        size = cost(key, value)
        if size > self.max_size:
            return
        self._items[key] = value
        self.size += size
        while self.size > self.max_size or len(self._items) > self.max_items:
            self._drop(next(iter(self._items)))

    async def delete(self, key: str) -> None:
        self._drop(key)

    async def close(self) -> None:
        self._items.clear()
        self.size = 0

    def _drop(self, key: str) -> None:
        value = self._items.pop(key, None)
        if value is not None:
            self.size -= cost(key, value)


class RedisConnection:
    """One Redis client per URL for the gateway, made on first use inside the serving event
    loop. Every command is bounded by ``timeout``; after a failure Redis is left alone for
    ``RETRY_AFTER`` seconds, so requests go straight to their backends meanwhile."""

    def __init__(self, url: str, timeout: float, log: logging.Logger) -> None:
        self.url = url
        self.timeout = timeout
        self.log = log
        self._client: Redis | None = None
        self._down_until = 0.0

    @property
    def client(self) -> Redis:
        if self._client is None:
            self._client = Redis.from_url(
                self.url,
                socket_timeout=self.timeout,
                socket_connect_timeout=self.timeout,
                retry=Retry(NoBackoff(), 0),
            )
        return self._client

    async def run(self, command: Callable[[Redis], Awaitable[Any]]) -> Any:
        """The command's result; None when Redis failed or is being left alone."""
        if time.monotonic() < self._down_until:
            return None
        try:
            async with asyncio.timeout(self.timeout):
                return await command(self.client)
        except (RedisError, OSError, TimeoutError) as exc:
            if time.monotonic() >= self._down_until:
                self.log.warning(
                    "[HTTP-CACHE] Redis at %s unavailable, calling the backends: %s",
                    _location(self.url),
                    type(exc).__name__,
                )
            self._down_until = time.monotonic() + RETRY_AFTER
        return None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def _location(url: str) -> str:
    """The URL without its credentials, for logs."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


class RedisStore:
    """Entries under ``prefix`` and a digest of ``scope`` (the backend, or the shared cache)
    and the key, expiring when they can no longer be served nor revalidated."""

    def __init__(self, connection: RedisConnection, prefix: str, scope: str, max_size: int) -> None:
        self.connection = connection
        self.prefix = prefix
        self.scope = scope
        self.max_size = max_size

    def _key(self, key: str) -> str:
        digest = hashlib.sha256(f"{self.scope}\n{key}".encode()).hexdigest()
        return f"{self.prefix}{digest}"

    async def get(self, key: str) -> bytes | None:
        name = self._key(key)
        value = await self.connection.run(lambda redis: redis.get(name))
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        if cost(key, value) > self.max_size:
            return
        name, expiry = self._key(key), max(1, int(ttl * 1000))
        await self.connection.run(lambda redis: redis.set(name, value, px=expiry))

    async def delete(self, key: str) -> None:
        name = self._key(key)
        await self.connection.run(lambda redis: redis.delete(name))

    async def close(self) -> None:
        """The connection is the gateway's: closed once, by its owner."""
