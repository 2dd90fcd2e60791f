"""``backend/amqp/consumer``: each call of the backend returns one message of its queue.

As KrakenD's: the queue is declared and bound to the topic exchange with each routing key,
the gateway consumes from it, and a call waits (within the endpoint's timeout) for the next
message. The message is decoded with the backend's encoding and formatted as any backend
response; it is acknowledged once decoded, and refused (requeued unless ``nack_discard``)
when it cannot be.
"""

from __future__ import annotations

import asyncio
import logging

import aiormq
from propylon.sdk import (
    BackendConfig,
    Proxy,
    ProxyError,
    Request,
    Response,
    get_decoder,
    new_formatter,
)

from propylon_amqp.declare import declare_exchange, declare_queue
from propylon_amqp.link import Link
from propylon_amqp.options import ConsumerOptions


class UndecodableMessage(ProxyError):
    pass


def new_consumer(
    backend: BackendConfig, options: ConsumerOptions, log: logging.Logger
) -> tuple[Proxy, Link]:
    prefix = f"[BACKEND: {backend.url_pattern}][AMQP]"
    messages: asyncio.Queue[aiormq.abc.DeliveredMessage] = asyncio.Queue()
    no_op = backend.encoding == "no-op"
    decode = None if no_op else get_decoder(backend.encoding, backend.is_collection)
    formatter = None if no_op else new_formatter(backend)

    async def prepare(channel: aiormq.abc.AbstractChannel) -> None:
        nonlocal messages
        await declare_exchange(channel, options)
        await declare_queue(channel, options, options.routing_key)
        # The messages of a closed channel can no more be acknowledged: a new buffer per channel.
        messages = asyncio.Queue()
        await channel.basic_consume(
            options.name, messages.put, no_ack=options.auto_ack, exclusive=options.exclusive
        )

    link = Link(
        backend.host[0] if backend.host else "",
        prepare,
        strategy=options.backoff_strategy,
        max_retries=options.max_retries,
        log=log,
        prefix=prefix,
    )

    async def consume(_request: Request) -> Response:
        link.channel()
        message = await messages.get()
        if no_op:
            await _settle(message, options, ok=True)
            return Response({}, True, raw=message.body)
        try:
            data = decode(message.body) if decode is not None and message.body else {}
        except Exception as exc:
            await _settle(message, options, ok=False)
            if options.nack_discard:
                log.debug("%s Nack: message discarded from queue %r", prefix, options.name)
            raise UndecodableMessage(f"undecodable message: {exc}") from None
        await _settle(message, options, ok=True)
        return Response(data if formatter is None else formatter(data), True)

    return consume, link


async def _settle(message: aiormq.abc.DeliveredMessage, options: ConsumerOptions, ok: bool) -> None:
    if options.auto_ack or message.delivery_tag is None:
        return
    channel = message.channel
    if ok:
        await asyncio.shield(channel.basic_ack(message.delivery_tag))
    else:
        await asyncio.shield(
            channel.basic_nack(message.delivery_tag, requeue=not options.nack_discard)
        )
