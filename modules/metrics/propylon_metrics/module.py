"""The ``metrics`` module: telemetry/metrics, KrakenD's /__stats, the gateway's figures."""

from __future__ import annotations

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
    ProxyFactory,
    ServiceConfig,
)

from propylon_metrics.collector import Collector
from propylon_metrics.layers import new_proxy_metrics, new_router_metrics
from propylon_metrics.options import METRICS
from propylon_metrics.shared import FIGURES

# One collector per gateway built (a worker builds one); keyed by its context.
_collectors: dict[int, tuple[Context, Collector]] = {}


def collector_of(ctx: Context) -> Collector | None:
    options = METRICS.of(ctx.service)
    if options is None:
        return None
    found = _collectors.get(id(ctx))
    if found is None or found[0] is not ctx:
        found = _collectors[id(ctx)] = (ctx, Collector(options))
    return found[1]


def prefork(service: ServiceConfig, _workers: int) -> None:
    if METRICS.of(service) is not None:
        FIGURES.prepare()


def backend(next_factory: BackendFactory, ctx: Context) -> BackendFactory:
    collector = collector_of(ctx)
    if collector is None or collector.options.backend_disabled:
        return next_factory

    def factory(config: BackendConfig) -> Proxy:
        wrap = new_proxy_metrics(collector.registry, "backend", config.url_pattern)
        return wrap(next_factory(config))

    return factory


def proxy(next_factory: ProxyFactory, ctx: Context) -> ProxyFactory:
    collector = collector_of(ctx)
    if collector is None or collector.options.proxy_disabled:
        return next_factory

    def factory(endpoint: EndpointConfig) -> Proxy:
        return new_proxy_metrics(collector.registry, "pipe", endpoint.endpoint)(
            next_factory(endpoint)
        )

    return factory


def handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    collector = collector_of(ctx)
    if collector is None or collector.options.router_disabled:
        return next_factory

    def factory(endpoint: EndpointConfig, pipe: Proxy) -> Handler:
        return new_router_metrics(collector, endpoint.endpoint)(next_factory(endpoint, pipe))

    return factory


def server(app: web.Application, ctx: Context) -> None:
    collector = collector_of(ctx)
    if collector is None:
        return
    app.on_startup.append(collector.start)
    app.on_cleanup.append(collector.stop)
    app.on_cleanup.append(lambda _app: _forget(ctx))


async def _forget(ctx: Context) -> None:
    _collectors.pop(id(ctx), None)


module = Module(
    name="metrics",
    namespaces=(METRICS,),
    description="Router, proxy and backend metrics at /__stats (telemetry/metrics)",
    backend=backend,
    proxy=proxy,
    handler=handler,
    server=server,
    prefork=prefork,
)
