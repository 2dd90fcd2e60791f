"""What every factory of a running gateway shares."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from propylon.config.model import ServiceConfig
from propylon.identity import Identity
from propylon.transport.client import ClientPool

# Consulted by an authentication module once a token is verified: True refuses it (401).
TokenRejecter = Callable[[Mapping[str, Any]], bool]


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

    def __post_init__(self) -> None:
        self.pool = ClientPool.for_service(self.service)
