"""One connection and channel to a broker, made once and kept for every call of a backend.

A background task connects, lets the owner declare what it needs on the new channel
(``prepare``), waits for the connection or the channel to close, and connects again, waiting
between attempts as the backoff strategy says. A broker that is down or restarting is logged
once when it goes away and once when it is back; calls meanwhile fail at once, as KrakenD's
do ("connection not available, trying to reconnect"), and the gateway keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import aiormq
from propylon.sdk import ProxyError
from yarl import URL

from propylon_amqp.backoff import backoff

Prepare = Callable[[aiormq.abc.AbstractChannel], Awaitable[None]]


def quiet_client_library() -> None:
    """aiormq logs each failed attempt and each lost connection at ERROR: the module reports
    them itself, one line per outage, so the client library is kept quiet once used."""
    logging.getLogger("aiormq").setLevel(logging.CRITICAL)


def safe_url(url: str) -> str:
    """The broker URL as it may be logged: the password masked."""
    try:
        parsed = URL(url)
    except ValueError:
        return "<invalid URL>"
    return str(parsed.with_password("xxxx")) if parsed.password else str(parsed)


def describe(exc: BaseException) -> str:
    """One line about a connection failure, without the URL (it may hold the password)."""
    text = str(exc).replace("\n", " ").strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class NotConnected(ProxyError):
    def __init__(self) -> None:
        super().__init__("connection not available, trying to reconnect")


class Link:
    """``channel()`` is the live channel or raises ``NotConnected`` (and reconnects)."""

    def __init__(
        self,
        url: str,
        prepare: Prepare,
        *,
        strategy: str,
        max_retries: int,
        log: logging.Logger,
        prefix: str,
    ) -> None:
        self.url = url
        self._prepare = prepare
        self._wait = backoff(strategy)
        self._max_retries = max_retries
        self._log = log
        self._prefix = prefix
        self._connection: aiormq.abc.AbstractConnection | None = None
        self._channel: aiormq.abc.AbstractChannel | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Starts connecting in the background, unless it already does."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def channel(self) -> aiormq.abc.AbstractChannel:
        channel = self._channel
        if channel is None or channel.is_closed:
            self.start()
            raise NotConnected()
        return channel

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        await self._drop()

    async def _drop(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and not connection.is_closed:
            with contextlib.suppress(Exception):
                await connection.close()

    async def _run(self) -> None:
        attempt = 0
        reported = False
        where = safe_url(self.url)
        while self._max_retries <= 0 or attempt < self._max_retries:
            if attempt:
                await asyncio.sleep(self._wait(attempt))
            attempt += 1
            try:
                self._connection = await aiormq.connect(self.url)
                channel = await self._connection.channel()
                await self._prepare(channel)
            except Exception as exc:
                await self._drop()
                if not reported:
                    self._log.warning(
                        "%s %s unreachable (%s): retrying in the background",
                        self._prefix,
                        where,
                        describe(exc),
                    )
                    reported = True
                else:
                    self._log.debug("%s attempt #%d: %s", self._prefix, attempt, describe(exc))
                continue
            self._channel = channel
            self._log.info("%s connected to %s", self._prefix, where)
            attempt, reported = 0, False
            await wait_closed(self._connection, channel)
            await self._drop()
            self._log.warning("%s connection to %s lost: reconnecting", self._prefix, where)
            reported = True
        self._log.error(
            "%s gave up connecting to %s after %d attempts", self._prefix, where, attempt
        )


async def wait_closed(
    connection: aiormq.abc.AbstractConnection, channel: aiormq.abc.AbstractChannel
) -> None:
    """Returns once the connection or the channel closed, whatever the reason."""
    waits = [
        asyncio.ensure_future(_settled(connection.closing)),
        asyncio.ensure_future(_settled(channel.closing)),
    ]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


async def _settled(future: asyncio.Future[object]) -> None:
    with contextlib.suppress(BaseException):
        await asyncio.shield(future)
