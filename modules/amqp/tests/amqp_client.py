"""A test's own AMQP client: declares queues, publishes and reads messages, from sync code."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import aiormq
from pamqp.commands import Basic
from propylon.sdk.testing import Servers


class Broker:
    def __init__(self, url: str, servers: Servers) -> None:
        self.url = url
        self.servers = servers
        self._connection: aiormq.abc.AbstractConnection | None = None

    async def _channel(self) -> aiormq.abc.AbstractChannel:
        if self._connection is None or self._connection.is_closed:
            self._connection = await aiormq.connect(self.url)
        return await self._connection.channel()

    def bind(self, queue: str, exchange: str, key: str = "#") -> None:
        async def bind() -> None:
            channel = await self._channel()
            await channel.exchange_declare(exchange, exchange_type="topic")
            await channel.queue_declare(queue)
            await channel.queue_bind(queue, exchange, routing_key=key)
            await channel.close()

        self.servers.run(bind())

    def publish(self, exchange: str, key: str, body: bytes, **properties: Any) -> None:
        async def publish() -> None:
            channel = await self._channel()
            await channel.basic_publish(
                body,
                exchange=exchange,
                routing_key=key,
                properties=Basic.Properties(**properties),
            )
            await channel.close()

        self.servers.run(publish())

    def get(self, queue: str) -> aiormq.abc.DeliveredMessage | None:
        async def get() -> aiormq.abc.DeliveredMessage | None:
            channel = await self._channel()
            message = await channel.basic_get(queue, no_ack=True)
            await channel.close()
            return None if isinstance(message.delivery, Basic.GetEmpty) else message

        return self.servers.run(get())

    def consumers(self, queue: str) -> int:
        """How many consumers the broker counts on ``queue``."""

        async def count() -> int:
            channel = await self._channel()
            try:
                declared = await channel.queue_declare(queue, passive=True)
            except aiormq.exceptions.ChannelNotFoundEntity:
                return 0  # not declared yet (the failure closed the channel)
            await channel.close()
            return int(declared.consumer_count or 0) if declared is not None else 0

        return self.servers.run(count())

    def close(self) -> None:
        if self._connection is not None:
            self.servers.run(self._connection.close())


def eventually(check: Callable[[], Any], timeout: float = 15.0, every: float = 0.05) -> Any:
    """The first true value ``check`` returns within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            assert value, "condition not met in time"
            return value
        time.sleep(every)
