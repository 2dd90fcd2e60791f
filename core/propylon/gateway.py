"""Assembles a gateway: the default factories of every layer, decorated by the edition's modules."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from aiohttp import web

from propylon.config.core_options import ROUTER
from propylon.config.model import ServiceConfig
from propylon.context import Context
from propylon.identity import current as current_identity
from propylon.modules.contract import Module, stacked
from propylon.plugin.module import PLUGINS, plugin_module
from propylon.plugin.registry import PluginRegistry
from propylon.proxy.factory import ProxyFactory, new_backend_factory, new_proxy_factory
from propylon.router.factory import HandlerFactory, new_handler_factory
from propylon.router.server import new_application
from propylon.router.system import AGENTS
from propylon.transport.client import ClientFactory


def build_application(
    service: ServiceConfig,
    modules: Sequence[Module] = (),
    *,
    debug: bool = False,
    plugins: PluginRegistry | None = None,
) -> web.Application:
    """The aiohttp application serving ``service``; ``plugins`` were loaded beforehand."""
    identity = current_identity()
    router = ROUTER.of(service)
    if router is not None and router.hide_version_header:
        identity = replace(identity, hide_version=True)
    ctx = Context(service, identity, logging.getLogger("propylon"), debug=debug)
    modules = edition_modules(modules, plugins)

    proxy_factory, handler_factory = decorated_factories(ctx, modules, ctx.pool.executor_factory())
    ctx.proxy_factory = proxy_factory
    app = new_application(ctx, proxy_factory, handler_factory)
    app[AGENTS] = ctx.agents
    for module in stacked(modules, "server"):
        if (decorate_server := module.server) is not None:
            decorate_server(app, ctx)
    return app


def decorated_factories(
    ctx: Context, modules: Sequence[Module], client_factory: ClientFactory
) -> tuple[ProxyFactory, HandlerFactory]:
    """The pipe's factories, innermost first (client, backend, proxy, handler), each the
    default one decorated by the modules that decorate its layer, in the modules' order."""
    for module in stacked(modules, "client"):
        if (decorate_client := module.client) is not None:
            client_factory = decorate_client(client_factory, ctx)
    backend_factory = new_backend_factory(client_factory)
    for module in stacked(modules, "backend"):
        if (decorate_backend := module.backend) is not None:
            backend_factory = decorate_backend(backend_factory, ctx)
    proxy_factory = new_proxy_factory(backend_factory)
    for module in stacked(modules, "proxy"):
        if (decorate_proxy := module.proxy) is not None:
            proxy_factory = decorate_proxy(proxy_factory, ctx)
    handler_factory = new_handler_factory(ctx)
    for module in stacked(modules, "handler"):
        if (decorate_handler := module.handler) is not None:
            handler_factory = decorate_handler(handler_factory, ctx)
    return proxy_factory, handler_factory


def edition_modules(
    modules: Sequence[Module], plugins: PluginRegistry | None = None
) -> list[Module]:
    """The modules of a gateway: the built-in plugin runner (of ``plugins``, loaded
    beforehand), then the edition's."""
    runner = PLUGINS if plugins is None else plugin_module(plugins)
    return [runner, *(m for m in modules if m is not PLUGINS)]
