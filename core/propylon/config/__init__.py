"""Configuration: KrakenD v3 documents read, validated and typed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from propylon import encoding, render
from propylon.config.errors import ConfigError
from propylon.config.loader import read_document
from propylon.config.model import BackendConfig, EndpointConfig, ServiceConfig
from propylon.config.parser import parse_service

if TYPE_CHECKING:
    from propylon.modules.contract import Module

__all__ = ["BackendConfig", "ConfigError", "EndpointConfig", "ServiceConfig", "load_service"]


def load_service(path: str | Path, modules: Sequence[Module] = ()) -> ServiceConfig:
    """Reads, parses and validates ``path``, modules' namespaces included."""
    from propylon.gateway import validate_modules

    for module in modules:
        if module.setup is not None:
            module.setup()
    document = read_document(path)
    try:
        service = parse_service(document, decoders=encoding.names(), renderers=render.names())
    except ConfigError as exc:
        raise exc.located(file=str(path)) from None
    service.source = str(path)
    validate_modules(service, modules)
    return service
