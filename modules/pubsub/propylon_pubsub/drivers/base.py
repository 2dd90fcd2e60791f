"""What a driver gives the backends: topics to send to, subscriptions to receive from."""

from __future__ import annotations

import asyncio
from typing import Protocol

from propylon_pubsub.url import BrokerURL

# Messages a subscription holds for requests still to come; newer ones are dropped beyond it,
# as a NATS client's pending limit drops them.
PENDING = 65536


class BrokerUnavailable(ConnectionError):
    """The broker has not been reached yet: the request fails at once instead of waiting."""


class Topic(Protocol):
    async def send(self, body: bytes, metadata: dict[str, str]) -> None: ...


class Subscription(Protocol):
    async def receive(self) -> bytes: ...


class Driver(Protocol):
    def topic(self, url: BrokerURL) -> Topic: ...

    def subscription(self, url: BrokerURL) -> Subscription: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


def pending() -> asyncio.Queue[bytes]:
    return asyncio.Queue(PENDING)
