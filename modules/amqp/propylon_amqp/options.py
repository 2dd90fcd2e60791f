"""The AMQP namespaces: KrakenD's fields, read once at start-up by the config layer.

``backend/amqp/consumer`` and ``backend/amqp/producer`` turn a backend into a queue (its
``host`` is the broker's URL); ``async/amqp`` is the driver of an ``async_agent`` (its own
``host``). Every exchange is a topic exchange, as KrakenD declares it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from propylon.sdk import Namespace, OptionError, Range, Scope

Backoff = Literal["linear", "linear-jitter", "exponential", "exponential-jitter", "fallback"]
COUNT = Range(0, 1 << 31)


@dataclass(frozen=True)
class QueueOptions:
    """What a consumer and a producer share: the queue, its exchange and reconnections."""

    name: str
    exchange: str
    durable: bool = False
    delete: bool = False
    exclusive: bool = False
    no_wait: bool = False
    prefetch_count: Annotated[int, COUNT] = 0
    prefetch_size: Annotated[int, COUNT] = 0
    backoff_strategy: Backoff = "fallback"
    # 0: retry for ever.
    max_retries: Annotated[int, COUNT] = 0


@dataclass(frozen=True)
class ConsumerOptions(QueueOptions):
    """``backend/amqp/consumer``: each call takes one message from ``name``."""

    routing_key: tuple[str, ...] = ()
    auto_ack: bool = False
    no_local: bool = False
    nack_discard: bool = False


@dataclass(frozen=True)
class ProducerOptions(QueueOptions):
    """``backend/amqp/producer``: each call publishes the request body to ``exchange``.

    The ``*_key`` fields name the request parameter (``{id}`` is ``Id``, as in KrakenD) or,
    failing one, the header whose value fills that message property."""

    routing_key: str = ""
    static_routing_key: bool = False
    mandatory: bool = False
    immediate: bool = False
    exp_key: str = ""
    reply_to_key: str = ""
    msg_id_key: str = ""
    priority_key: str = ""
    no_local: bool = False

    def __post_init__(self) -> None:
        if self.static_routing_key and not self.routing_key:
            raise OptionError("routing_key", "a static routing key needs a value")


@dataclass(frozen=True)
class AgentOptions:
    """``async/amqp`` in an ``async_agent``: the queue it consumes, bound to ``consumer.topic``."""

    name: str
    host: str
    exchange: str
    durable: bool = False
    delete: bool = False
    exclusive: bool = False
    no_wait: bool = False
    prefetch_count: Annotated[int, COUNT] = 0
    prefetch_size: Annotated[int, COUNT] = 0
    auto_ack: bool = False
    no_local: bool = False
    nack_discard: bool = False

    def __post_init__(self) -> None:
        if not self.host.startswith(("amqp://", "amqps://")):
            raise OptionError("host", "must be an amqp:// or amqps:// URL")


_BACKEND = frozenset({Scope.BACKEND})
CONSUMER = Namespace("backend/amqp/consumer", ConsumerOptions, _BACKEND)
PRODUCER = Namespace("backend/amqp/producer", ProducerOptions, _BACKEND)
AGENT = Namespace("async/amqp", AgentOptions, frozenset({Scope.AGENT}))
