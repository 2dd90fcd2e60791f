"""``mem://``: topics inside this worker process, as gocloud.dev's mempubsub. A message reaches
every subscription of its topic opened before it was sent; with several workers each has its
own topics."""

from __future__ import annotations

import asyncio
import logging

from propylon_pubsub.drivers.base import pending
from propylon_pubsub.url import BrokerURL


class MemTopic:
    def __init__(self, queues: list[asyncio.Queue[bytes]], log: logging.Logger) -> None:
        self._queues = queues
        self._log = log

    async def send(self, body: bytes, metadata: dict[str, str]) -> None:
        if not self._queues:
            self._log.debug("message sent to a mem:// topic without subscriptions")
        for queue in self._queues:
            if queue.full():
                self._log.warning("a mem:// subscription is full: message dropped")
                continue
            queue.put_nowait(body)


class MemSubscription:
    def __init__(self, queue: asyncio.Queue[bytes]) -> None:
        self._queue = queue

    async def receive(self) -> bytes:
        return await self._queue.get()


class MemDriver:
    def __init__(self, log: logging.Logger) -> None:
        self._topics: dict[str, list[asyncio.Queue[bytes]]] = {}
        self._log = log

    def topic(self, url: BrokerURL) -> MemTopic:
        return MemTopic(self._topics.setdefault(url.name, []), self._log)

    def subscription(self, url: BrokerURL) -> MemSubscription:
        queue = pending()
        self._topics.setdefault(url.name, []).append(queue)
        return MemSubscription(queue)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None
