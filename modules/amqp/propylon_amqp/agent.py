"""The ``async/amqp`` driver: an async agent consuming a queue and calling its backends.

As KrakenD's agent: it declares the topic exchange and the queue, binds them with
``consumer.topic``, and hands each message body to the agent's pipe as the request body,
``consumer.workers`` messages at a time, at most ``consumer.max_rate`` per second. A message is
acknowledged once the pipe succeeded, else refused and requeued (dropped with
``nack_discard``). A lost connection starts the agent again after the connection's backoff;
after ``max_retries`` consecutive failures it stops, and a session that lasted longer than
``MIN_SESSION`` seconds resets the count. Each gateway worker runs its own consumer: with
``-w N``, N consumers share the queue and the broker spreads the messages across them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import aiormq
from propylon.sdk import AgentConfig, AgentHealth, Proxy, Request

from propylon_amqp.backoff import backoff
from propylon_amqp.declare import declare_exchange, declare_queue
from propylon_amqp.link import describe, safe_url, wait_closed
from propylon_amqp.options import AgentOptions
from propylon_amqp.rate import RateLimit

MIN_SESSION = 5.0


class Agent:
    def __init__(
        self,
        agent: AgentConfig,
        options: AgentOptions,
        pipe: Proxy,
        health: AgentHealth,
        log: logging.Logger,
    ) -> None:
        self.agent = agent
        self.options = options
        self._pipe = pipe
        self._health = health
        self._log = log
        self._prefix = f"[SERVICE: AsyncAgent][AMQP][{agent.name}]"
        self._task: asyncio.Task[None] | None = None
        self._rate = RateLimit(agent.consumer.max_rate)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _run(self) -> None:
        connection = self.agent.connection
        wait = backoff(connection.backoff_strategy)
        attempt = 0
        reported = False
        where = safe_url(self.options.host)
        while connection.max_retries <= 0 or attempt <= connection.max_retries:
            await asyncio.sleep(wait(attempt))
            started = time.monotonic()
            try:
                await self._session()
            except Exception as exc:
                if reported:
                    self._log.debug("%s attempt #%d: %s", self._prefix, attempt + 1, describe(exc))
                else:
                    self._log.warning(
                        "%s %s unreachable (%s): retrying in the background",
                        self._prefix,
                        where,
                        describe(exc),
                    )
                    reported = True
            else:
                self._log.warning("%s connection to %s lost: reconnecting", self._prefix, where)
                reported = True
            attempt = 0 if time.monotonic() - started > MIN_SESSION else attempt + 1
        self._log.error("%s gave up after %d attempts: too many retries", self._prefix, attempt)

    async def _session(self) -> None:
        """Consumes until the connection or the channel closes (returns) or fails (raises)."""
        options = self.options
        connection = await aiormq.connect(options.host)
        workers: list[asyncio.Task[None]] = []
        try:
            channel = await connection.channel()
            await declare_exchange(channel, options)
            await declare_queue(channel, options, (self.agent.consumer.topic,))
            messages: asyncio.Queue[aiormq.abc.DeliveredMessage] = asyncio.Queue()
            await channel.basic_consume(
                options.name, messages.put, no_ack=options.auto_ack, exclusive=options.exclusive
            )
            self._log.info(
                "%s consuming %r from %s", self._prefix, options.name, safe_url(options.host)
            )
            loop = asyncio.get_running_loop()
            workers = [
                loop.create_task(self._work(messages, connection))
                for _ in range(self.agent.consumer.workers)
            ]
            workers.append(loop.create_task(self._ping()))
            await wait_closed(connection, channel)
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            with contextlib.suppress(Exception):
                await connection.close()

    async def _ping(self) -> None:
        while True:
            self._health.ping(self.agent.name)
            await asyncio.sleep(self.agent.connection.health_interval)

    async def _work(
        self,
        messages: asyncio.Queue[aiormq.abc.DeliveredMessage],
        connection: aiormq.abc.AbstractConnection,
    ) -> None:
        options = self.options
        while True:
            message = await messages.get()
            await self._rate.wait()
            ok = await self._process(message.body)
            tag = message.delivery_tag
            if options.auto_ack or tag is None:
                continue
            try:
                if ok:
                    await message.channel.basic_ack(tag)
                else:
                    await message.channel.basic_nack(tag, requeue=not options.nack_discard)
            except Exception as exc:
                self._log.error("%s %s: %s", self._prefix, "Ack" if ok else "Nack", describe(exc))
                await connection.close()
                return

    async def _process(self, body: bytes) -> bool:
        request = Request("GET", self.agent.name, {}, {}, {}, body)
        try:
            async with asyncio.timeout(self.agent.consumer.timeout):
                response = await self._pipe(request)
        except TimeoutError:
            self._log.error("%s context deadline exceeded", self._prefix)
            return False
        except Exception as exc:
            self._log.error("%s %s", self._prefix, exc)
            return False
        if response.error is not None:
            self._log.error("%s %s", self._prefix, response.error)
            return False
        return True
