"""``backend/amqp/producer``: each call publishes the request body to the topic exchange.

As KrakenD's: the message carries the request's headers (those the backend receives), its
``Content-Type``, the time, and the properties the ``*_key`` fields name a parameter for;
the routing key is ``routing_key`` itself when static, else the parameter it names. The call
answers an empty, complete response once the broker confirmed the message.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import aiormq
from pamqp.commands import Basic
from propylon.sdk import BackendConfig, Proxy, ProxyError, Request, Response

from propylon_amqp.declare import declare_exchange
from propylon_amqp.link import Link, describe
from propylon_amqp.options import ProducerOptions


class PublishFailed(ProxyError):
    pass


def _value(request: Request, key: str) -> str | None:
    """The parameter ``key`` or, failing one, the first value of the header ``key``."""
    if not key:
        return None
    if key in request.params:
        return request.params[key]
    wanted = key.lower()
    for name, values in request.headers.items():
        if name.lower() == wanted and values:
            return values[0]
    return None


def _priority(value: str | None) -> int | None:
    try:
        return int(value) & 0xFF if value is not None else None
    except ValueError:
        return None


def _header(request: Request, name: str) -> str | None:
    for key, values in request.headers.items():
        if key.lower() == name and values:
            return values[0]
    return None


def new_producer(
    backend: BackendConfig, options: ProducerOptions, log: logging.Logger
) -> tuple[Proxy, Link]:
    prefix = f"[BACKEND: {backend.url_pattern}][AMQP]"

    async def prepare(channel: aiormq.abc.AbstractChannel) -> None:
        await declare_exchange(channel, options)

    link = Link(
        backend.host[0] if backend.host else "",
        prepare,
        strategy=options.backoff_strategy,
        max_retries=options.max_retries,
        log=log,
        prefix=prefix,
    )

    async def publish(request: Request) -> Response:
        channel = link.channel()
        properties = Basic.Properties(
            content_type=_header(request, "content-type") or "",
            headers={name: list(values) for name, values in request.headers.items()},
            timestamp=datetime.now(UTC),
            expiration=_value(request, options.exp_key),
            reply_to=_value(request, options.reply_to_key),
            message_id=_value(request, options.msg_id_key),
            priority=_priority(_value(request, options.priority_key)),
        )
        if options.static_routing_key:
            routing_key = options.routing_key
        else:
            routing_key = _value(request, options.routing_key) or ""
        try:
            await channel.basic_publish(
                request.body,
                exchange=options.exchange,
                routing_key=routing_key,
                properties=properties,
                mandatory=options.mandatory,
                immediate=options.immediate,
            )
        except Exception as exc:
            raise PublishFailed(f"publishing to {options.exchange!r}: {describe(exc)}") from None
        return Response({}, True)

    return publish, link
