"""``async_agent``: consumers of a message broker that call backends for each message.

As in Lura, an agent is a pipe without a route: a pseudo-endpoint (named after the agent)
whose backends get each message as the request body, its ``extra_config`` holding the
driver's namespace (``async/amqp``) beside any endpoint-level namespace. The driver module
reads the broker side; the core reads the rest here, with Lura's defaults: the service's
timeout, one worker, a health ping every second at least.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from propylon.config.fields import Fields
from propylon.config.limits import MAX_TIMEOUT
from propylon.config.model import BackendConfig, EndpointConfig
from propylon.config.problems import Problems
from propylon.config.schema import Range

# Lura's backoff strategies; any other name (KrakenD's docs say "fallback") waits 1s.
BACKOFF_STRATEGIES = ("linear", "linear-jitter", "exponential", "exponential-jitter", "fallback")
MIN_HEALTH_INTERVAL = 1.0
MAX_WORKERS = 1024
MAX_RETRIES = 1 << 31
MAX_RATE = 1e9


@dataclass(slots=True)
class AgentConnection:
    """How the driver (re)connects: ``max_retries`` 0 retries forever."""

    max_retries: int = 0
    backoff_strategy: str = "fallback"
    health_interval: float = MIN_HEALTH_INTERVAL


@dataclass(slots=True)
class AgentConsumer:
    """What the driver consumes and how fast: ``timeout`` bounds each message's pipe."""

    topic: str = ""
    workers: int = 1
    timeout: float = 2.0
    max_rate: float = 0.0


@dataclass(slots=True)
class AgentConfig:
    """One ``async_agent`` entry; ``endpoint`` is its pipe (backends, ``extra_config``)."""

    name: str
    endpoint: EndpointConfig
    connection: AgentConnection = field(default_factory=AgentConnection)
    consumer: AgentConsumer = field(default_factory=AgentConsumer)
    encoding: str = "json"

    @property
    def options(self) -> dict[str, Any]:
        """The parsed namespaces of the agent's ``extra_config`` (``Namespace.of(agent)``)."""
        return self.endpoint.options

    @property
    def backend(self) -> list[BackendConfig]:
        return self.endpoint.backend


BackendParser = Callable[[object, str, EndpointConfig], BackendConfig | None]


def parse_agent(
    raw: object,
    where: str,
    index: int,
    service_timeout: float,
    problems: Problems,
    parse_backend: BackendParser,
) -> AgentConfig | None:
    """One agent, or None when it is no object; its backends are read as an endpoint's."""
    f = Fields(raw, where, problems)
    if not f.ok:
        return None
    name = f.string("name", "") or f"AsyncAgent-{index:02d}"
    f.where = f"{where} ({name})"
    connection = _connection(Fields(f.obj("connection"), f.at("connection"), problems))
    consumer = _consumer(Fields(f.obj("consumer"), f.at("consumer"), problems), service_timeout)
    endpoint = EndpointConfig(
        endpoint=name,
        backend=[],
        method="GET",
        timeout=consumer.timeout,
        extra_config=f.obj("extra_config"),
    )
    agent = AgentConfig(
        name=name,
        endpoint=endpoint,
        connection=connection,
        consumer=consumer,
        encoding=f.string("encoding", "json"),
    )
    endpoint.backend = f.items(
        "backend", lambda raw, w: parse_backend(raw, w, endpoint), required=True
    )
    for i, backend in enumerate(endpoint.backend):
        backend.index = i
        backend.timeout = consumer.timeout
    if isinstance(f.raw.get("backend"), list) and not f.raw["backend"]:
        f.error("backend", "an agent needs at least one backend")
    for key in f.unknown():
        f.warn(key, "unknown field ignored")
    return agent


def _connection(f: Fields) -> AgentConnection:
    strategy = f.string("backoff_strategy", "fallback")
    if strategy.lower() not in BACKOFF_STRATEGIES:
        f.warn(
            "backoff_strategy",
            f"unknown strategy {strategy!r}: a constant 1s, as KrakenD's fallback; "
            f"known: {', '.join(BACKOFF_STRATEGIES)}",
        )
    connection = AgentConnection(
        max_retries=f.integer("max_retries", 0, 0, MAX_RETRIES),
        backoff_strategy=strategy.lower(),
        health_interval=max(
            f.duration("health_interval", MIN_HEALTH_INTERVAL, MAX_TIMEOUT), MIN_HEALTH_INTERVAL
        ),
    )
    for key in f.unknown():
        f.warn(key, "unknown field ignored")
    return connection


def _consumer(f: Fields, service_timeout: float) -> AgentConsumer:
    consumer = AgentConsumer(
        topic=f.string("topic", ""),
        workers=max(f.integer("workers", 1, 0, MAX_WORKERS), 1),
        timeout=f.duration("timeout", 0.0, MAX_TIMEOUT) or service_timeout,
        # Fields reads no float of its own: the generic read with a range.
        max_rate=f._read("max_rate", Annotated[float, Range(0, MAX_RATE)], 0.0),
    )
    for key in f.unknown():
        f.warn(key, "unknown field ignored")
    return consumer


def check_names(agents: list[AgentConfig], problems: Problems) -> None:
    """Agents are told apart by name in ``/__health``: a repeated name is warned about."""
    seen: set[str] = set()
    for i, agent in enumerate(agents):
        if agent.name in seen:
            problems.warn(
                f"async_agent[{i}].name",
                f"{agent.name!r} is already the name of another agent: /__health shows them as one",
            )
        seen.add(agent.name)
