"""The ``ratelimit`` module: ``qos/ratelimit/router`` at the handler layer, ``qos/ratelimit/proxy``
at the backend layer, where KrakenD CE places them.

``prefork`` makes the table the workers of ``propylon run -w N`` share; a build finds it
for its service. Each build's Redis connections are closed with its application.
"""

from __future__ import annotations

from importlib import import_module

from aiohttp import web
from propylon.sdk import (
    BackendConfig,
    BackendFactory,
    Context,
    EndpointConfig,
    Handler,
    HandlerFactory,
    Module,
    Proxy,
    ServiceConfig,
    get_logger,
)

from propylon_ratelimit.bucket import proxy_rate
from propylon_ratelimit.options import PROXY, ROUTER
from propylon_ratelimit.proxy import new_proxy_limiter
from propylon_ratelimit.router import new_router_limiter
from propylon_ratelimit.shared import DEFAULT_SETS, SharedTable
from propylon_ratelimit.stores import Stores, backend_name, plan, uses_redis

log = get_logger("ratelimit")
# The table made by prefork, and the service it was planned for.
_shared: tuple[ServiceConfig, SharedTable] | None = None
# Each build's stores, until its server hook hands them to the application.
_building: dict[int, tuple[Context, Stores]] = {}


def prefork(service: ServiceConfig, workers: int) -> None:
    """With several workers, in-gateway buckets go to memory they all share. Limits kept in
    Redis have its client imported here, shared by the workers instead of one per worker."""
    global _shared
    if uses_redis(service):
        import_module("propylon_ratelimit.redis_store")
    if workers <= 1:
        return
    planned = plan(service)
    if not planned.pinned and not planned.keyed:
        return
    names = [name for name, _ in planned.pinned]
    rates = [rate for _, rate in planned.pinned]
    table = SharedTable(names, rates, DEFAULT_SETS if planned.keyed else 0)
    _shared = (service, table)
    log.debug("[Ratelimit] %d workers share %d bytes of buckets", workers, len(table.memory))


def _stores(ctx: Context) -> Stores:
    entry = _building.get(id(ctx))
    if entry is None or entry[0] is not ctx:  # not one left by a build that failed
        table = _shared[1] if _shared is not None and _shared[0] is ctx.service else None
        entry = _building[id(ctx)] = (ctx, Stores(table, log))
    return entry[1]


def handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    stores = _stores(ctx)

    def factory(endpoint: EndpointConfig, proxy: Proxy) -> Handler:
        handle = next_factory(endpoint, proxy)
        options = ROUTER.of(endpoint)
        if options is None:
            return handle
        return new_router_limiter(endpoint, options, stores, log)(handle)

    return factory


def backend(next_factory: BackendFactory, ctx: Context) -> BackendFactory:
    stores = _stores(ctx)

    def factory(config: BackendConfig) -> Proxy:
        proxy = next_factory(config)
        options = PROXY.of(config)
        rate = proxy_rate(options) if options is not None else None
        if options is None or rate is None:
            return proxy
        log.debug("[BACKEND: %s][Ratelimit] Enabling the rate limiter", config.url_pattern)
        limiter = stores.bucket(backend_name(config), rate, options)
        return new_proxy_limiter(limiter)(proxy)

    return factory


def server(app: web.Application, ctx: Context) -> None:
    entry = _building.pop(id(ctx), None)
    if entry is None:
        return
    stores = entry[1]

    async def close(_app: web.Application) -> None:
        await stores.close()

    app.on_cleanup.append(close)


module = Module(
    name="ratelimit",
    namespaces=(ROUTER, PROXY),
    description="Rate limits (qos/ratelimit/router, qos/ratelimit/proxy), as krakend-ratelimit; "
    "one limit per gateway, or per group of gateways through Redis",
    handler=handler,
    backend=backend,
    server=server,
    prefork=prefork,
)
