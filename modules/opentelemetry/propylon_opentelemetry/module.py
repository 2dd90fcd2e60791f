"""The ``opentelemetry`` module: telemetry/opentelemetry, as krakend-otel instruments KrakenD.

The OpenTelemetry SDK, protobuf and prometheus_client are imported by ``telemetry`` and
``layers``, which are imported only when a configuration has the namespace: a gateway
without it does not hold them in each worker's memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from propylon.sdk import (
    BackendConfig,
    BackendFactory,
    ClientFactory,
    Context,
    EndpointConfig,
    Handler,
    HandlerFactory,
    HTTPExecutor,
    Module,
    Proxy,
    ProxyFactory,
    ServiceConfig,
)

from propylon_opentelemetry.options import OTEL, backend_layer, endpoint_global, proxy_layer
from propylon_opentelemetry.shared import FIGURES

if TYPE_CHECKING:
    from propylon_opentelemetry.telemetry import Telemetry

# One Telemetry per gateway built (a worker builds one), keyed by its context.
_states: dict[int, tuple[Context, Telemetry]] = {}


def telemetry_of(ctx: Context) -> Telemetry | None:
    options = OTEL.of(ctx.service)
    if options is None:
        return None
    found = _states.get(id(ctx))
    if found is None or found[0] is not ctx:
        from propylon_opentelemetry.telemetry import Telemetry

        found = _states[id(ctx)] = (ctx, Telemetry(ctx.service, options))
    return found[1]


def skipped(tel: Telemetry, path: str) -> bool:
    return path in tel.options.skip_paths


def prefork(service: ServiceConfig, _workers: int) -> None:
    options = OTEL.of(service)
    if options is not None and options.exporters.prometheus:
        FIGURES.prepare()


def client(next_factory: ClientFactory, ctx: Context) -> ClientFactory:
    tel = telemetry_of(ctx)
    if tel is None:
        return next_factory
    propagate = not tel.options.layers.global_.disable_propagation
    from propylon_opentelemetry.layers import header_skips, new_backend_request, static

    def factory(backend: BackendConfig) -> HTTPExecutor:
        execute = next_factory(backend)
        opts = backend_layer(tel.options.layers, backend)
        metrics = opts.metrics.round_trip and not opts.metrics.disable_stage
        traces = opts.traces.round_trip and not opts.traces.disable_stage
        if skipped(tel, backend.parent_endpoint) or not (metrics or traces or propagate):
            return execute
        wrap = new_backend_request(
            tel, backend, metrics, traces, static(opts.metrics.static_attributes),
            static(opts.traces.static_attributes), propagate,
            header_skips(opts.traces.report_headers, opts.traces.skip_headers),
        )  # fmt: skip
        return wrap(execute)

    return factory


def backend(next_factory: BackendFactory, ctx: Context) -> BackendFactory:
    tel = telemetry_of(ctx)
    if tel is None:
        return next_factory
    from propylon_opentelemetry.layers import header_skips, new_stage, static

    def factory(config: BackendConfig) -> Proxy:
        proxy = next_factory(config)
        opts = backend_layer(tel.options.layers, config)
        metrics, traces = not opts.metrics.disable_stage, not opts.traces.disable_stage
        if skipped(tel, config.parent_endpoint) or not (metrics or traces):
            return proxy
        attrs = (("http.request.method", config.method.upper()), ("http.route", config.url_pattern),
                 ("krakend.endpoint.route", config.parent_endpoint),
                 ("krakend.endpoint.method", config.parent_method))  # fmt: skip
        wrap = new_stage(
            tel, "backend", config.url_pattern, attrs, metrics, traces,
            static(opts.metrics.static_attributes), static(opts.traces.static_attributes),
            header_skips(opts.traces.report_headers, opts.traces.skip_headers),
        )  # fmt: skip
        return wrap(proxy)

    return factory


def proxy(next_factory: ProxyFactory, ctx: Context) -> ProxyFactory:
    tel = telemetry_of(ctx)
    if tel is None:
        return next_factory
    from propylon_opentelemetry.layers import header_skips, new_stage, static

    def factory(endpoint: EndpointConfig) -> Proxy:
        pipe = next_factory(endpoint)
        opts = proxy_layer(tel.options.layers, endpoint)
        if skipped(tel, endpoint.endpoint) or (opts.disable_metrics and opts.disable_traces):
            return pipe
        attrs = (
            ("http.request.method", endpoint.method.upper()),
            ("http.route", endpoint.endpoint),
        )
        wrap = new_stage(
            tel, "proxy", endpoint.endpoint, attrs, not opts.disable_metrics, not opts.disable_traces,
            static(opts.metrics_static_attributes), static(opts.traces_static_attributes),
            header_skips(opts.report_headers, opts.skip_headers),
        )  # fmt: skip
        return wrap(pipe)

    return factory


def handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    tel = telemetry_of(ctx)
    if tel is None:
        return next_factory
    from propylon_opentelemetry.layers import new_global

    def factory(endpoint: EndpointConfig, pipe: Proxy) -> Handler:
        built = next_factory(endpoint, pipe)
        opts = endpoint_global(tel.options.layers, endpoint)
        if skipped(tel, endpoint.endpoint) or (
            opts.disable_metrics and opts.disable_traces and opts.disable_propagation
        ):
            return built
        return new_global(tel, endpoint, opts)(built)

    return factory


def server(app: web.Application, ctx: Context) -> None:
    tel = telemetry_of(ctx)
    if tel is None:
        return
    app.on_startup.append(tel.start)
    app.on_cleanup.append(tel.stop)
    app.on_cleanup.append(lambda _app: _forget(ctx))


async def _forget(ctx: Context) -> None:
    _states.pop(id(ctx), None)


module = Module(
    name="opentelemetry",
    namespaces=(OTEL,),
    description="OpenTelemetry traces and metrics (telemetry/opentelemetry): OTLP, Prometheus",
    client=client,
    backend=backend,
    proxy=proxy,
    handler=handler,
    server=server,
    prefork=prefork,
)
