"""The Redis store: entries shared by several gateways through one Redis.

Its own module, imported when a backend caches in Redis: the client library is not loaded
by a gateway that does not use it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from propylon_http_cache.store import cost

# After a Redis failure, requests skip it this long (seconds) instead of each waiting for it.
RETRY_AFTER = 1.0


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
