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
from propylon.proxy.types import Proxy
from propylon.transport.client import ClientFactory


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


def plugin_module(registry: PluginRegistry) -> Module:
    """The layers that run what ``registry`` holds, as a module of the gateway."""

    def client_layer(next_factory: ClientFactory, ctx: Context) -> ClientFactory:
        if not registry.client:
            return next_factory
        return client.decorate_client_factory(next_factory, registry, ctx.log)

    def modifier_layer(
        next_factory: Callable[[Config], Proxy], ctx: Context
    ) -> Callable[[Config], Proxy]:
        """Decorates the backend or the proxy factory: both build a Proxy from one config."""
        if not (registry.request_modifier or registry.response_modifier):
            return next_factory

        def factory(config: Config) -> Proxy:
            proxy = next_factory(config)
            options = PLUGIN_MODIFIER.of(config)
            if options is None:
                return proxy
            return modifier.new_modifier_middleware(options, config.name, registry, ctx.log)(proxy)

        return factory

    def server_layer(app: web.Application, ctx: Context) -> None:
        options = PLUGIN_SERVER.of(ctx.service)
        if options is not None and registry.server:
            server.install_server_plugins(app, options, registry, ctx.log)

    return Module(
        name="plugins",
        namespaces=(PLUGIN_SERVER, PLUGIN_CLIENT, PLUGIN_MODIFIER),
        description="Runs the plugins loaded from the service's plugin folder.",
        client=client_layer,
        backend=modifier_layer,
        proxy=modifier_layer,
        server=server_layer,
    )


# The plugin namespaces of every edition; a gateway runs ``plugin_module(its registry)``.
PLUGINS = plugin_module(PluginRegistry())
