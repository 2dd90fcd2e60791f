"""Buckets in Redis, shared by every gateway pointing at it.

Each request runs one Lua script (EVALSHA; loaded again after a Redis restart) that applies
KrakenD's token bucket atomically on the Redis server's clock, so gateways on different
machines need no synchronised clocks. A bucket left alone expires with the store's TTL.

Redis is never waited on longer than ``redis_timeout``: a failed or late answer applies the
failure mode (``open``: the request passes; ``closed``: ``Unavailable``), and for the next
second every request applies it at once instead of trying again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from urllib.parse import urlsplit

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

from propylon_ratelimit.bucket import SECOND, Rate
from propylon_ratelimit.limiter import Unavailable

PREFIX = "propylon:ratelimit:"
# After a failure, Redis is tried again this much later.
RETRY_AFTER = 1.0
# Connections of one worker to one Redis.
MAX_CONNECTIONS = 32
# Longer client keys (header values) are stored by their hash.
MAX_KEY = 128

# KEYS[1]: the bucket; ARGV: fill interval (us), capacity, TTL (ms). Returns 1 when allowed.
SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local tokens = tonumber(state[1])
local last = tonumber(state[2])
if tokens == nil or last == nil then
  tokens = capacity
  last = now
end
local allowed = 1
if tokens > 0 then
  tokens = tokens - 1
else
  local add = math.floor((now - last) / interval)
  if add <= 0 then
    allowed = 0
  else
    last = last + add * interval
    if add > capacity then
      tokens = capacity
    else
      tokens = add - 1
    end
  end
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.0f', tokens),
  'last', string.format('%.0f', last))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return allowed
"""


def shown(url: str) -> str:
    """The URL without credentials, for logs."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


class RedisLink:
    """One worker's connections to one Redis, made on first use in the serving loop."""

    def __init__(self, url: str, timeout: float, log: logging.Logger) -> None:
        self.url = url
        self.timeout = timeout
        self.log = log
        self.client: Redis | None = None
        self.pool: BlockingConnectionPool
        self.script: AsyncScript | None = None
        self.down_until = 0.0

    def _connect(self) -> None:
        # Requests beyond MAX_CONNECTIONS wait for a connection (within the timeout) instead
        # of failing as a full pool of redis-py's would.
        self.pool = BlockingConnectionPool.from_url(
            self.url,
            max_connections=MAX_CONNECTIONS,
            timeout=self.timeout,
            socket_timeout=self.timeout,
            socket_connect_timeout=self.timeout,
            # One immediate retry: a connection broken by a Redis restart fails once.
            retry=Retry(NoBackoff(), 1),
        )
        self.client = Redis(connection_pool=self.pool)
        self.script = self.client.register_script(SCRIPT)

    async def take(self, key: str, rate: Rate, ttl: int, timeout: float) -> bool | None:
        """True or False from Redis; None when it did not answer in time (or is down)."""
        if time.monotonic() < self.down_until:
            return None
        if self.client is None:
            self._connect()
        interval = max(1, rate.interval // 1000)
        args = [interval, rate.capacity, max(1, ttl * 1000 // SECOND)]
        try:
            async with asyncio.timeout(timeout):
                allowed = await self.script(keys=[key], args=args)  # type: ignore[misc]
        except (RedisError, OSError, TimeoutError) as exc:
            if self.down_until == 0.0:
                self.log.warning(
                    "[Ratelimit] Redis at %s did not answer (%s): failure mode applies",
                    shown(self.url),
                    type(exc).__name__,
                )
            self.down_until = time.monotonic() + RETRY_AFTER
            return None
        if self.down_until:
            self.log.info("[Ratelimit] Redis at %s answers again", shown(self.url))
            self.down_until = 0.0
        return bool(allowed)

    async def close(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            await self.pool.disconnect()
            self.client = None


def redis_key(name: str, key: str) -> str:
    if len(key) > MAX_KEY:
        key = "#" + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return f"{PREFIX}{name}:{key}" if key else f"{PREFIX}{name}"


class RedisLimiter:
    """A limiter (one bucket, or one per key) whose buckets live in Redis."""

    def __init__(
        self, link: RedisLink, name: str, rate: Rate, ttl: int, fail_open: bool, timeout: float
    ) -> None:
        self.link = link
        self.name = name
        self.rate = rate
        self.ttl = ttl
        self.fail_open = fail_open
        self.timeout = timeout

    async def allow(self, key: str = "") -> bool:
        allowed = await self.link.take(redis_key(self.name, key), self.rate, self.ttl, self.timeout)
        if allowed is None:
            if self.fail_open:
                return True
            raise Unavailable(f"rate limit store {shown(self.link.url)} unavailable")
        return allowed
