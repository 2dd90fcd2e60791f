"""The ``security/cors`` options, read with KrakenD's defaults and checked field by field."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from propylon.config.fields import Fields

NAMESPACE = "security/cors"
SIMPLE_METHODS = ("GET", "POST", "HEAD")  # rs/cors' default when allow_methods is empty
log = logging.getLogger("propylon.cors")


@dataclass(frozen=True)
class CorsConfig:
    allow_origins: tuple[str, ...] = ("*",)
    allow_methods: tuple[str, ...] = SIMPLE_METHODS
    allow_headers: tuple[str, ...] = ("*",)
    expose_headers: tuple[str, ...] = ()
    allow_credentials: bool = False
    allow_private_network: bool = False
    options_passthrough: bool = False
    options_success_status: int = 204
    max_age: float = 0.0
    debug: bool = False


def parse_config(raw: object, where: str, *, warn: bool = False) -> CorsConfig:
    """Empty lists take KrakenD's defaults: every origin, every header, the simple methods."""
    f = Fields(raw, where)
    config = CorsConfig(
        allow_origins=tuple(f.strings("allow_origins", [])) or ("*",),
        allow_methods=tuple(f.strings("allow_methods", [])) or SIMPLE_METHODS,
        allow_headers=tuple(f.strings("allow_headers", [])) or ("*",),
        expose_headers=tuple(f.strings("expose_headers", [])),
        allow_credentials=f.boolean("allow_credentials"),
        allow_private_network=f.boolean("allow_private_network"),
        options_passthrough=f.boolean("options_passthrough"),
        options_success_status=_status(f),
        max_age=f.duration("max_age", 0.0),
        debug=f.boolean("debug"),
    )
    for key in f.unknown() if warn else ():
        log.warning("%s: unknown field %r ignored", where, key)
    return config


def _status(f: Fields) -> int:
    status = f.integer("options_success_status", 0)
    if status and not 200 <= status <= 299:
        raise f.error("options_success_status", f"must be a 2xx status, got {status}")
    return status or 204
