"""Helpers for testing an extension against a real gateway, as ``propylon run`` builds it.

``load_config`` reads a configuration (a file or a dict) exactly as ``propylon check`` does,
with the given modules; ``build_gateway`` turns it into the aiohttp application ``run``
serves. Serve it with aiohttp's test server (or any server) and send real requests.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from propylon.config import ConfigErrors, Problems, ServiceConfig, load_service, read_service
from propylon.gateway import build_application, edition_modules
from propylon.modules.contract import Module
from propylon.plugin.loader import PluginReport, load_plugin
from propylon.plugin.registry import PluginRegistry

__all__ = [
    "ConfigErrors",
    "PluginRegistry",
    "PluginReport",
    "build_gateway",
    "check_config",
    "load_config",
    "load_plugins",
]


def _document(config: dict[str, Any]) -> dict[str, Any]:
    return config if "version" in config else {"version": 3, **config}


def load_config(
    config: dict[str, Any] | str | Path, modules: Sequence[Module] = (), *, lint: bool = False
) -> ServiceConfig:
    """The parsed service; raises ``ConfigErrors`` listing every problem, as ``check`` prints
    them. A dict without ``version`` is taken as version 3."""
    source = _document(config) if isinstance(config, dict) else config
    return load_service(source, edition_modules(modules), lint=lint)


def check_config(config: dict[str, Any] | str | Path, modules: Sequence[Module] = ()) -> Problems:
    """Every error and warning ``propylon check`` would print for ``config``."""
    source = _document(config) if isinstance(config, dict) else config
    return read_service(source, edition_modules(modules))[1]


def build_gateway(
    service: ServiceConfig,
    modules: Sequence[Module] = (),
    *,
    plugins: PluginRegistry | None = None,
    debug: bool = False,
) -> web.Application:
    """The application ``propylon run`` would serve for ``service`` with ``modules``."""
    return build_application(service, modules, debug=debug, plugins=plugins)


def load_plugins(*paths: str | Path) -> tuple[PluginRegistry, list[PluginReport]]:
    """Plugins loaded as the gateway loads its plugin folder; each report says what failed."""
    registry = PluginRegistry()
    log = logging.getLogger("propylon.plugin")
    reports = [load_plugin(Path(p), registry, log) for p in paths]
    return registry, reports
