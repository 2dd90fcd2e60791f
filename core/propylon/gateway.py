"""Assembles a gateway: the default factories of every layer, decorated by the edition's modules."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from aiohttp import web

from propylon.config.errors import ConfigError
from propylon.config.model import ServiceConfig
from propylon.context import Context
from propylon.identity import current as current_identity
from propylon.modules.contract import Module, stacked
from propylon.plugin.module import PLUGINS
from propylon.plugin.registry import PluginRegistry
from propylon.proxy.factory import new_backend_factory, new_proxy_factory
from propylon.router.factory import new_handler_factory
from propylon.router.server import new_application

# Namespaces the core itself reads.
CORE_NAMESPACES = frozenset(
    ("proxy", "router", "backend/http", "github.com/devopsfaith/krakend/http")
)


def build_application(
    service: ServiceConfig,
    modules: Sequence[Module] = (),
    *,
    debug: bool = False,
    plugins: PluginRegistry | None = None,
) -> web.Application:
    """The aiohttp application serving ``service``; ``plugins`` were loaded beforehand."""
    identity = current_identity()
    if (service.extra_config.get("router") or {}).get("hide_version_header"):
        identity = replace(identity, hide_version=True)
    ctx = Context(service, identity, logging.getLogger("propylon"), debug=debug)
    if plugins is not None:
        ctx.plugins = plugins
    modules = edition_modules(modules)

    client_factory = ctx.pool.executor_factory()
    for module in stacked(modules, "client"):
        client_factory = module.client(client_factory, ctx)
    backend_factory = new_backend_factory(client_factory)
    for module in stacked(modules, "backend"):
        backend_factory = module.backend(backend_factory, ctx)
    proxy_factory = new_proxy_factory(backend_factory)
    for module in stacked(modules, "proxy"):
        proxy_factory = module.proxy(proxy_factory, ctx)
    handler_factory = new_handler_factory(ctx)
    for module in stacked(modules, "handler"):
        handler_factory = module.handler(handler_factory, ctx)
    app = new_application(ctx, proxy_factory, handler_factory)
    for module in stacked(modules, "server"):
        module.server(app, ctx)
    return app


def edition_modules(modules: Sequence[Module]) -> list[Module]:
    """The modules of a gateway: the built-in plugin runner, then the edition's."""
    return [PLUGINS, *(m for m in modules if m is not PLUGINS)]


def extra_configs(service: ServiceConfig) -> Iterator[tuple[str, str, Any]]:
    """Every (where, namespace, config) of the service, its endpoints and their backends."""
    for namespace, value in service.extra_config.items():
        yield "extra_config", namespace, value
    for i, endpoint in enumerate(service.endpoints):
        where = f"endpoints[{i}] ({endpoint.method} {endpoint.endpoint})"
        for namespace, value in endpoint.extra_config.items():
            yield f"{where}.extra_config", namespace, value
        for j, backend in enumerate(endpoint.backend):
            for namespace, value in backend.extra_config.items():
                yield f"{where}.backend[{j}].extra_config", namespace, value


def validate_modules(service: ServiceConfig, modules: Sequence[Module]) -> None:
    """Each module (plugins included) checks its own namespaces; raises the first ConfigError."""
    owners = {ns: m for m in (PLUGINS, *modules) for ns in m.namespace_names}
    for where, namespace, value in extra_configs(service):
        module = owners.get(namespace)
        if module is not None and module.validate is not None:
            try:
                module.validate(namespace, value, f"{where}.{namespace}")
            except ConfigError as exc:
                raise exc.located(file=service.source) from None


def report_namespaces(
    service: ServiceConfig, modules: Sequence[Module], log: logging.Logger
) -> None:
    """Logs, once each, the namespaces that nothing in this edition handles."""
    known = set(CORE_NAMESPACES) | {ns for m in modules for ns in m.namespace_names}
    unknown = sorted({ns for _, ns, _ in extra_configs(service) if ns not in known})
    for namespace in unknown:
        log.warning("extra_config namespace %r is not handled by this edition: ignored", namespace)
