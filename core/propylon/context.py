"""What every factory of a running gateway shares."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from propylon.config.agents import AgentConfig
from propylon.config.model import ServiceConfig
from propylon.identity import Identity
from propylon.proxy.types import Proxy, ProxyFactory
from propylon.transport.client import ClientPool

# Consulted by an authentication module once a token is verified: True refuses it (401).
TokenRejecter = Callable[[Mapping[str, Any]], bool]


def go_time(moment: datetime) -> str:
    """A UTC time as Go's ``time.Time.String()`` writes it (KrakenD's ``/__health``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f +0000 UTC")


class AgentHealth:
    """When each async agent last said it is alive: ``/__health`` lists them under ``agents``.

    A driver pings once its consumer is attached and then every ``health_interval``; an agent
    that never connected is absent, one whose broker went away keeps its last time, as in
    KrakenD."""

    def __init__(self) -> None:
        self._last: dict[str, str] = {}

    def ping(self, name: str) -> None:
        self._last[name] = go_time(datetime.now(UTC))

    def report(self) -> dict[str, str]:
        return dict(self._last)


@dataclass
class Context:
    service: ServiceConfig
    identity: Identity
    log: logging.Logger
    debug: bool = False
    # Token checks modules add for each other (a revocation list for the JWT validator).
    token_rejecters: list[TokenRejecter] = field(default_factory=list)
    # The backends' HTTP client, with the service's backend/http response sizes.
    pool: ClientPool = field(init=False)
    # The async agents' liveness, shown by /__health.
    agents: AgentHealth = field(default_factory=AgentHealth)
    # The endpoints' pipe factory, every module's decorators applied (set once built).
    proxy_factory: ProxyFactory | None = None

    def __post_init__(self) -> None:
        self.pool = ClientPool.for_service(self.service)

    def agent_proxy(self, agent: AgentConfig) -> Proxy:
        """The pipe of ``agent``'s backends, built as an endpoint's (the same backend and proxy
        factories, so other modules' decorators apply); call it from ``server`` or later."""
        if self.proxy_factory is None:
            raise RuntimeError("the proxy factory is not built yet: build agents in `server`")
        return self.proxy_factory(agent.endpoint)
