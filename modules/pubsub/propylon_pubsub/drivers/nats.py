"""``nats://``: NATS subjects on the server named by ``NATS_SERVER_URL``, one connection per
gateway, as gocloud.dev's natspubsub.

``?natsv2`` sends the request headers as NATS headers (names and values query-escaped, as
natspubsub does); without it only the body is sent. A subscription's ``?queue=NAME`` joins a
queue group. Once connected, the client reconnects by itself and subscribes again.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote_plus

from nats.aio.client import Client
from nats.aio.msg import Msg

from propylon_pubsub.drivers.base import BrokerUnavailable, pending
from propylon_pubsub.drivers.keeper import Keeper
from propylon_pubsub.url import BrokerURL

RECONNECT_WAIT = 1.0


def _uses_v2(url: BrokerURL) -> bool:
    if "natsv2" not in url.query:
        return False
    value = (url.option("natsv2") or "true").lower()
    return value in ("1", "t", "true")


class NatsTopic:
    def __init__(self, driver: NatsDriver, url: BrokerURL) -> None:
        self._driver = driver
        self._subject = url.name
        self._v2 = _uses_v2(url)

    async def send(self, body: bytes, metadata: dict[str, str]) -> None:
        client = self._driver.client()
        headers = None
        if self._v2 and metadata:
            headers = {quote_plus(k): quote_plus(v) for k, v in metadata.items()}
        await client.publish(self._subject, body, headers=headers)


class NatsSubscription:
    def __init__(self, url: BrokerURL, log: logging.Logger) -> None:
        self.subject = url.name
        self.group = url.option("queue") or ""
        self._queue = pending()
        self._log = log

    async def deliver(self, msg: Msg) -> None:
        if self._queue.full():
            self._log.warning("nats:// subscription to %s is full: message dropped", self.subject)
            return
        self._queue.put_nowait(msg.data)

    async def receive(self) -> bytes:
        return await self._queue.get()


class NatsDriver:
    def __init__(self, server: str, log: logging.Logger) -> None:
        self._server = server
        self._log = log
        self._client: Client | None = None
        self._subscriptions: list[NatsSubscription] = []
        self._keeper = Keeper(f"NATS server {_redacted(server)}", self._connect, log)

    def topic(self, url: BrokerURL) -> NatsTopic:
        return NatsTopic(self, url)

    def subscription(self, url: BrokerURL) -> NatsSubscription:
        subscription = NatsSubscription(url, self._log)
        self._subscriptions.append(subscription)
        return subscription

    def client(self) -> Client:
        if self._client is None:
            raise BrokerUnavailable(f"NATS server {_redacted(self._server)} not reached yet")
        return self._client

    async def _connect(self) -> None:
        client = Client()
        await client.connect(
            servers=[self._server],
            # The keeper retries the first connection: here one more attempt, then give up.
            max_reconnect_attempts=1,
            reconnect_time_wait=0.05,  # type: ignore[arg-type]  # seconds: a float works
            connect_timeout=2,
            error_cb=self._on_error,
            disconnected_cb=self._on_disconnected,
            reconnected_cb=self._on_reconnected,
        )
        try:
            for subscription in self._subscriptions:
                await client.subscribe(
                    subscription.subject, queue=subscription.group, cb=subscription.deliver
                )
        except BaseException:
            await client.close()
            raise
        # Connected: from now on the client reconnects (and resubscribes) by itself.
        client.options["max_reconnect_attempts"] = -1
        client.options["reconnect_time_wait"] = RECONNECT_WAIT
        self._client = client

    async def _on_error(self, exc: Exception) -> None:
        self._log.debug("NATS: %s", exc)

    async def _on_disconnected(self) -> None:
        if self._client is not None and not self._client.is_closed:
            self._log.warning(
                "NATS server %s lost: reconnecting every %.1f s",
                _redacted(self._server),
                RECONNECT_WAIT,
            )

    async def _on_reconnected(self) -> None:
        self._log.warning("NATS server %s reached again", _redacted(self._server))

    async def start(self) -> None:
        self._keeper.start()

    async def close(self) -> None:
        await self._keeper.stop()
        if self._client is not None:
            client, self._client = self._client, None
            await asyncio.shield(client.close())


def _redacted(server: str) -> str:
    """The server without its credentials, for logs."""
    scheme, sep, rest = server.rpartition("://")
    rest = rest.rsplit("@", 1)[-1]
    return f"{scheme}{sep}{rest}"
