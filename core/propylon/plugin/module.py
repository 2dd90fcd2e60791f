"""Plugins as a built-in module of every gateway: the layers that run registered plugins."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from aiohttp import web

from propylon.config.core_options import PLUGIN_CLIENT, PLUGIN_MODIFIER, PLUGIN_SERVER
from propylon.config.model import BackendConfig, EndpointConfig, ServiceConfig
from propylon.context import Context
from propylon.modules.contract import Module
from propylon.plugin import client, modifier, server
from propylon.plugin.loader import PluginReport, load_folder
from propylon.plugin.registry import PluginRegistry
from propylon.proxy.factory import ClientFactory
from propylon.proxy.types import Proxy


def load_service_plugins(
    service: ServiceConfig, log: logging.Logger
) -> tuple[PluginRegistry, list[PluginReport]]:
    """Loads the folder named by the service's ``plugin`` field, relative to the config file."""
    registry = PluginRegistry()
    if not service.plugin:
        return registry, []
    folder = Path(str(service.plugin.get("folder", "./plugins/")))
    if not folder.is_absolute() and service.source and not folder.exists():
        folder = Path(service.source).parent / folder
    pattern = str(service.plugin.get("pattern", ".py"))
    return registry, load_folder(folder, pattern, registry, log)


Config = TypeVar("Config", BackendConfig, EndpointConfig)


def _client(next_factory: ClientFactory, ctx: Context) -> ClientFactory:
    if not ctx.plugins.client:
        return next_factory
    return client.decorate_client_factory(next_factory, ctx.plugins, ctx.log)


def _modifiers(next_factory: Callable[[Config], Proxy], ctx: Context) -> Callable[[Config], Proxy]:
    """Decorates the backend or the proxy factory: both build a Proxy from one config."""
    if not (ctx.plugins.request_modifier or ctx.plugins.response_modifier):
        return next_factory

    def factory(config: Config) -> Proxy:
        proxy = next_factory(config)
        options = config.extra_config.get(modifier.NAMESPACE)
        if options is None:
            return proxy
        return modifier.new_modifier_middleware(options, config.name, ctx.plugins, ctx.log, proxy)

    return factory


def _server(app: web.Application, ctx: Context) -> None:
    options = ctx.service.extra_config.get(server.NAMESPACE)
    if options is not None and ctx.plugins.server:
        server.install_server_plugins(app, options, ctx.plugins, ctx.log)


PLUGINS = Module(
    name="plugins",
    namespaces=(PLUGIN_SERVER, PLUGIN_CLIENT, PLUGIN_MODIFIER),
    description="Runs the plugins loaded from the service's plugin folder.",
    client=_client,
    backend=_modifiers,
    proxy=_modifiers,
    server=_server,
)
