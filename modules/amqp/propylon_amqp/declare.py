"""Declarations on a new channel, as KrakenD makes them: a topic exchange and a queue.

``no_wait`` asks the broker not to answer; aiormq types the two forms apart, hence a branch.
"""

from __future__ import annotations

import aiormq

from propylon_amqp.options import AgentOptions, QueueOptions

Declared = QueueOptions | AgentOptions


async def declare_exchange(channel: aiormq.abc.AbstractChannel, options: Declared) -> None:
    if options.no_wait:
        await channel.exchange_declare(
            options.exchange,
            exchange_type="topic",
            durable=options.durable,
            auto_delete=options.delete,
            nowait=True,
        )
    else:
        await channel.exchange_declare(
            options.exchange,
            exchange_type="topic",
            durable=options.durable,
            auto_delete=options.delete,
            nowait=False,
        )


async def declare_queue(
    channel: aiormq.abc.AbstractChannel, options: Declared, routing_keys: tuple[str, ...]
) -> None:
    """The queue, bound to the exchange with each key, and the channel's prefetch."""
    if options.no_wait:
        await channel.queue_declare(
            options.name,
            durable=options.durable,
            exclusive=options.exclusive,
            auto_delete=options.delete,
            nowait=True,
        )
    else:
        await channel.queue_declare(
            options.name,
            durable=options.durable,
            exclusive=options.exclusive,
            auto_delete=options.delete,
            nowait=False,
        )
    for key in routing_keys:
        await channel.queue_bind(options.name, options.exchange, routing_key=key)
    if options.prefetch_count or options.prefetch_size:
        await channel.basic_qos(
            prefetch_count=options.prefetch_count, prefetch_size=options.prefetch_size
        )
