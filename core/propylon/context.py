"""What every factory of a running gateway shares."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from propylon.config.model import ServiceConfig
from propylon.identity import Identity
from propylon.plugin.registry import PluginRegistry
from propylon.transport.client import ClientPool


@dataclass
class Context:
    service: ServiceConfig
    identity: Identity
    log: logging.Logger
    debug: bool = False
    plugins: PluginRegistry = field(default_factory=PluginRegistry)
    # The backends' HTTP client, with the service's backend/http response sizes.
    pool: ClientPool = field(init=False)

    def __post_init__(self) -> None:
        self.pool = ClientPool.for_service(self.service)
