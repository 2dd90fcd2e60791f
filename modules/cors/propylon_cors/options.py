"""The ``security/cors`` options: KrakenD's fields, read once at start-up by the config layer.

The options mirror the configuration as written; rs/cors' defaults for empty values (every
origin, every header, the simple methods, 204) are applied by the ``Policy``, as rs/cors
applies them when it is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from propylon.sdk import Duration, Namespace, OptionError, Range, Scope


@dataclass(frozen=True)
class CorsOptions:
    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    allow_credentials: bool = False
    allow_private_network: bool = False
    options_passthrough: bool = False
    # 0 is rs/cors' "unset": a preflight then gets 204.
    options_success_status: Annotated[int, Range(0, 299)] = 0
    # How long browsers may cache a preflight; whole seconds are sent.
    max_age: Annotated[Duration, Range(0)] = 0.0
    debug: bool = False

    def __post_init__(self) -> None:
        if 0 < self.options_success_status < 200:
            raise OptionError(
                "options_success_status",
                f"must be a 2xx status, got {self.options_success_status}",
            )


# KrakenD reads CORS around its whole router: in an endpoint it is ignored.
CORS = Namespace("security/cors", CorsOptions, frozenset({Scope.SERVICE}))
