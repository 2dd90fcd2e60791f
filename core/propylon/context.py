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
    # Built from the service's backend/http sizes unless one is given.
    pool: ClientPool = field(default=None)  # type: ignore[assignment]
    debug: bool = False
    plugins: PluginRegistry = field(default_factory=PluginRegistry)

    def __post_init__(self) -> None:
        if self.pool is None:
            self.pool = ClientPool.for_service(self.service)
