"""``rabbit://``: RabbitMQ on the server named by ``RABBIT_SERVER_URL``, as gocloud.dev's
rabbitpubsub. A topic is an exchange and a subscription a queue, both declared beforehand
(by the broker's operator, as there); a message is published mandatory with publisher
confirms, the request headers as its AMQP headers (``?key_name=H`` takes header H as the
routing key instead). One connection per gateway, reconnected with backoff when lost.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aio_pika
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractExchange,
    AbstractIncomingMessage,
)

from propylon_pubsub.drivers.base import PENDING, BrokerUnavailable
from propylon_pubsub.drivers.keeper import Keeper
from propylon_pubsub.drivers.nats import _redacted
from propylon_pubsub.url import BrokerURL

# Messages RabbitMQ hands a subscription before requests take them (gocloud.dev sets none).
DEFAULT_PREFETCH = 1000


class RabbitTopic:
    def __init__(self, driver: RabbitDriver, url: BrokerURL) -> None:
        self._driver = driver
        self._exchange_name = url.name
        self._key_name = url.option("key_name") or ""
        self._exchange: AbstractExchange | None = None
        self._channel: AbstractChannel | None = None

    async def send(self, body: bytes, metadata: dict[str, str]) -> None:
        headers: dict[str, Any] = dict(metadata)
        routing_key = headers.pop(self._key_name, "") if self._key_name else ""
        try:
            if self._exchange is None or self._channel is None or self._channel.is_closed:
                channel = self._channel = await self._driver.publishing()
                self._exchange = await channel.get_exchange(self._exchange_name, ensure=True)
            message = aio_pika.Message(body, headers=headers)
            await self._exchange.publish(message, routing_key, mandatory=True)
        except BaseException:
            self._exchange = None
            raise


class RabbitSubscription:
    def __init__(self, url: BrokerURL) -> None:
        self.queue_name = url.name
        prefetch = url.option("prefetch_count")
        self.prefetch = int(prefetch) if prefetch and prefetch.isdigit() else DEFAULT_PREFETCH
        self._queue: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue(PENDING)

    async def attach(self, connection: AbstractConnection) -> None:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        queue = await channel.get_queue(self.queue_name, ensure=True)
        await queue.consume(self._deliver)

    async def _deliver(self, message: AbstractIncomingMessage) -> None:
        self._queue.put_nowait(message)  # bounded by the prefetch

    async def receive(self) -> bytes:
        while True:
            message = await self._queue.get()
            try:
                await message.ack()
            except Exception:  # its channel is gone: RabbitMQ delivers it again
                continue
            return message.body


class RabbitDriver:
    def __init__(self, server: str, log: logging.Logger) -> None:
        self._server = server
        self._log = log
        self._name = f"RabbitMQ {_redacted(server)}"
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._subscriptions: list[RabbitSubscription] = []
        self._closing = False
        self._keeper = Keeper(self._name, self._connect, log)

    def topic(self, url: BrokerURL) -> RabbitTopic:
        return RabbitTopic(self, url)

    def subscription(self, url: BrokerURL) -> RabbitSubscription:
        subscription = RabbitSubscription(url)
        self._subscriptions.append(subscription)
        return subscription

    async def publishing(self) -> AbstractChannel:
        """The publishing channel, opened again after a failed publish closed it."""
        if self._connection is None:
            raise BrokerUnavailable(f"{self._name} not reached yet")
        if self._channel is None or self._channel.is_closed:
            self._channel = await self._connection.channel(
                publisher_confirms=True, on_return_raises=True
            )
        return self._channel

    async def _connect(self) -> None:
        connection = await aio_pika.connect(self._server, timeout=2)
        try:
            for subscription in self._subscriptions:
                await subscription.attach(connection)
        except BaseException:
            await connection.close()
            raise
        connection.close_callbacks.add(self._on_close)
        self._connection, self._channel = connection, None

    def _on_close(self, _connection: object, exc: BaseException | None = None) -> None:
        if self._closing:
            return
        self._connection = self._channel = None
        self._log.warning("%s lost (%s): reconnecting", self._name, exc or "closed")
        self._keeper.start(after_loss=True)

    async def start(self) -> None:
        self._keeper.start()

    async def close(self) -> None:
        self._closing = True
        await self._keeper.stop()
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.close()
