"""Revocations shared through Redis by every gateway (and worker) configured with it.

A revocation is stored in a sorted set (``<redis_key>:revoked``: the element, scored by the
time it was revoked) and announced on a channel (``<redis_key>:events``). Each worker
subscribes, then loads the set, so nothing revoked between the two is missed, and writes
what it hears into its filter; it does so again after every reconnection, so what was revoked
while it was cut off is caught up. Entries older than ``3 * TTL`` are forgotten by the
filter and pruned from the set.

Redis is never on a request's path: tokens are checked against the local filter only. While
Redis is unreachable, checks go on against what is known, the worker reconnects in the
background, and a revocation still takes effect on the gateway that received it but the
interface says sharing is not confirmed (503).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from propylon_revoker.options import RevokerOptions
from propylon_revoker.rotating import SLOTS, RotatingFilter

# Errors of an unreachable or failing Redis.
FAILURES = (RedisError, OSError, TimeoutError)
MAX_DELAY = 5.0
SCAN_COUNT = 1000


class NotShared(Exception):
    pass


class RedisShare:
    def __init__(self, options: RevokerOptions, revoked: RotatingFilter, log: logging.Logger):
        self._timeout = options.redis_timeout
        self._keep = SLOTS * options.ttl
        self._set = f"{options.redis_key}:revoked"
        self._channel = f"{options.redis_key}:events"
        self._revoked = revoked
        self._log = log
        self._client: Redis = Redis.from_url(
            options.redis_url,
            socket_timeout=self._timeout,
            socket_connect_timeout=self._timeout,
            socket_keepalive=True,
            health_check_interval=10,
            retry=Retry(NoBackoff(), 1),  # once more on a fresh connection, no wait
        )
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._down = False

    async def start(self) -> None:
        """Follows the channel from now on; waits up to ``redis_timeout`` for the current
        set to be loaded, then goes on without it (loaded when Redis answers)."""
        self._task = asyncio.get_running_loop().create_task(self._follow())
        try:
            await asyncio.wait_for(self._ready.wait(), self._timeout)
        except TimeoutError:
            self._log.warning(
                "[SERVICE: auth/revoker] Redis did not answer: serving with the revocations "
                "known here until it does"
            )

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(*FAILURES):
            await self._client.aclose()

    async def publish(self, elements: list[bytes], at: float) -> None:
        """Stores and announces ``elements``; NotShared when Redis cannot be reached."""
        message = json.dumps({"at": at, "elements": [e.decode() for e in elements]})
        try:
            async with asyncio.timeout(2 * self._timeout):
                pipe = self._client.pipeline(transaction=True)
                pipe.zadd(self._set, {e: at for e in elements})
                pipe.zremrangebyscore(self._set, "-inf", f"({at - self._keep}")
                pipe.publish(self._channel, message)
                await pipe.execute()
        except FAILURES as exc:
            raise NotShared(f"Redis is unreachable ({type(exc).__name__})") from None

    async def _follow(self) -> None:
        delay = 0.1
        while True:
            pubsub = self._client.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                await self._load()
                self._ready.set()
                if self._down:
                    self._log.info(
                        "[SERVICE: auth/revoker] Redis answers again: revocations loaded"
                    )
                self._down = False
                delay = 0.1
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                    if message is not None:
                        self._apply(message["data"])
            except FAILURES as exc:
                if not self._down:
                    self._log.warning(
                        "[SERVICE: auth/revoker] Redis unreachable (%s): retrying",
                        type(exc).__name__,
                    )
                self._down = True
            finally:
                with contextlib.suppress(*FAILURES):
                    await pubsub.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_DELAY)

    async def _load(self) -> None:
        """Every revocation of the set recent enough to be remembered."""
        since = time.time() - self._keep
        count = 0
        async for member, score in self._client.zscan_iter(self._set, count=SCAN_COUNT):
            if score > since:
                self._revoked.add(member, at=score)
            count += 1
            if count % SCAN_COUNT == 0:
                await asyncio.sleep(0)

    def _apply(self, data: Any) -> None:
        try:
            message = json.loads(data)
            at = float(message["at"])
            elements = [str(e).encode() for e in message["elements"]]
        except (ValueError, KeyError, TypeError):
            self._log.warning("[SERVICE: auth/revoker] malformed message on %s", self._channel)
            return
        for element in elements:
            self._revoked.add(element, at=at)
