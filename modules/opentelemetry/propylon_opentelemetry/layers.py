"""The instrumented layers, as krakend-otel: global (the router), proxy, backend and the
backend request (the HTTP client), each a span child of the one above and a histogram.

Attributes that do not change per request are built here, once per endpoint or backend; a
request picks a cached series by its status or outcome.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from opentelemetry import context as otel_context
from opentelemetry.trace import SpanKind, Status, StatusCode, set_span_in_context
from propylon.sdk import (
    BackendConfig,
    EndpointConfig,
    Handler,
    Headers,
    HTTPExecutor,
    Proxy,
    Request,
    Response,
)

from propylon_opentelemetry.instruments import SIZE_BUCKETS, Attrs, Series
from propylon_opentelemetry.options import Attribute, GlobalLayer
from propylon_opentelemetry.telemetry import Telemetry

TRACEPARENT = "Traceparent"
TRACESTATE = "Tracestate"


def static(attributes: list[Attribute]) -> Attrs:
    return tuple((a.key, a.value) for a in attributes if a.key and a.value)


def cached(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``build(key)`` made once per key (a status, an outcome)."""
    made: dict[Any, Any] = {}

    def get(key: Any) -> Any:
        found = made.get(key)
        if found is None:
            found = made[key] = build(key)
        return found

    return get


def new_global(
    tel: Telemetry, endpoint: EndpointConfig, opts: GlobalLayer
) -> Callable[[Handler], Handler]:
    route = endpoint.endpoint
    method = endpoint.method.upper()
    tracer = None if opts.disable_traces else tel.tracer
    propagator = None if opts.disable_propagation else tel.propagator
    measured = not opts.disable_metrics and tel.metrics_enabled
    fixed = static(opts.metrics_static_attributes)
    duration = tel.meter.histogram("http.server.duration")
    size = tel.meter.histogram("http.server.response.size", SIZE_BUCKETS)
    span_attributes = {
        "krakend.stage": "global",
        "http.request.method": method,
        "http.route": route,
        **dict(static(opts.traces_static_attributes)),
    }

    def series(status: int) -> tuple[Series, Series]:
        attrs = (*fixed, ("http.request.method", method), ("url.scheme", "http"),
                 ("http.route", route), ("http.response.status_code", status))  # fmt: skip
        return duration.series_for(attrs), size.series_for(attrs)

    by_status = cached(series)

    def wrap(handler: Handler) -> Handler:
        async def instrumented(request: web.Request) -> web.StreamResponse:
            parent = propagator.extract(request.headers) if propagator is not None else None
            span = None
            if tracer is not None:
                span = tracer.start_span(request.path, parent, SpanKind.SERVER, span_attributes)
                token = otel_context.attach(set_span_in_context(span, parent))
            elif parent is not None:
                token = otel_context.attach(parent)
            else:
                token = None
            begin = time.perf_counter()
            status, length = 500, 0
            try:
                response = await handler(request)
                status = response.status
                length = response.content_length or 0
                return response
            except web.HTTPException as exc:
                status = exc.status
                raise
            finally:
                if token is not None:
                    otel_context.detach(token)
                if measured:
                    took, sized = by_status(status)
                    took.record(time.perf_counter() - begin)
                    sized.record(length)
                if span is not None:
                    span.set_attributes(
                        {"http.response.status_code": status, "http.response.body.size": length}
                    )
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                    span.end()

        return instrumented

    return wrap


def new_stage(
    tel: Telemetry,
    stage: str,
    name: str,
    attributes: Attrs,
    metrics: bool,
    traces: bool,
    metric_attributes: Attrs = (),
    trace_attributes: Attrs = (),
) -> Callable[[Proxy], Proxy]:
    """The proxy or backend stage: a span named after the route and ``krakend.STAGE.duration``
    by error, canceled and complete."""
    tracer = tel.tracer if traces else None
    measured = metrics and tel.metrics_enabled
    histogram = tel.meter.histogram(f"krakend.{stage}.duration")
    span_attributes = {**dict(attributes), "krakend.stage": stage, **dict(trace_attributes)}
    fixed = (*attributes, *metric_attributes)
    by_outcome = cached(
        lambda o: histogram.series_for(
            (*fixed, ("error", o[0]), ("canceled", o[1]), ("complete", o[2]))
        )
    )

    def wrap(next_proxy: Proxy) -> Proxy:
        async def instrumented(request: Request) -> Response:
            span = token = None
            if tracer is not None:
                span = tracer.start_span(name, attributes=span_attributes)
                token = otel_context.attach(set_span_in_context(span))
            begin = time.perf_counter()
            response: Response | None = None
            failed: BaseException | None = None
            try:
                response = await next_proxy(request)
                return response
            except BaseException as exc:
                failed = exc
                raise
            finally:
                if token is not None:
                    otel_context.detach(token)
                canceled = isinstance(failed, asyncio.CancelledError)
                errored = (failed is not None and not canceled) or (
                    response is not None and response.error is not None
                )
                complete = response is not None and response.is_complete
                if measured:
                    by_outcome((errored, canceled, complete)).record(time.perf_counter() - begin)
                if span is not None:
                    status = response.metadata.status_code if response is not None else 500
                    ending: dict[str, Any] = {
                        "http.response.status_code": status or 200,
                        "complete": complete,
                    }
                    if canceled:
                        ending["canceled"] = True
                    elif failed is not None:
                        ending["error"] = str(failed) or type(failed).__name__
                    span.set_attributes(ending)
                    span.end()

        return instrumented

    return wrap


def new_backend_request(
    tel: Telemetry,
    backend: BackendConfig,
    metrics: bool,
    traces: bool,
    metric_attributes: Attrs,
    trace_attributes: Attrs,
    propagate: bool,
) -> Callable[[HTTPExecutor], HTTPExecutor]:
    """The HTTP call: a CLIENT span, ``traceparent`` to the backend, http.client.* figures."""
    tracer = tel.tracer if traces else None
    measured = metrics and tel.metrics_enabled
    route = backend.url_pattern
    base = (("http.request.method", backend.method.upper()), ("http.route", route),
            ("krakend.endpoint.route", backend.parent_endpoint),
            ("krakend.endpoint.method", backend.parent_method))  # fmt: skip
    span_attributes = {**dict(base), "krakend.stage": "backend-request", **dict(trace_attributes)}
    fixed = (*base, *metric_attributes)
    meter = tel.meter
    started = meter.counter("http.client.request.started.count")
    failed_count = meter.counter("http.client.request.failed.count")
    duration = meter.histogram("http.client.duration")
    size = meter.histogram("http.client.response.size", SIZE_BUCKETS)

    def series(key: tuple[str, int, int]) -> tuple[Series, Series, Series, Series]:
        host, port, status = key
        attrs = (*fixed, ("clientname", route), ("server.address", host), ("server.port", port),
                 ("http.response.status_code", status))  # fmt: skip
        return (started.series_for(attrs), failed_count.series_for(attrs),
                duration.series_for(attrs), size.series_for(attrs))  # fmt: skip

    by_key = cached(series)

    def wrap(execute: HTTPExecutor) -> HTTPExecutor:
        async def instrumented(method: str, url: str, headers: Headers, body: bytes) -> Any:
            span = None
            current = otel_context.get_current()
            if tracer is not None:
                span = tracer.start_span(route, current, SpanKind.CLIENT, span_attributes)
                current = set_span_in_context(span, current)
            if propagate:
                carrier: dict[str, str] = {}
                tel.propagator.inject(carrier, current)
                if carrier:
                    headers = {**headers}
                    for key, value in carrier.items():
                        headers[key.title()] = [value]
            begin = time.perf_counter()
            status, length, failed = 0, 0, None
            try:
                reply = await execute(method, url, headers, body)
                status, length = reply.status, len(reply.body)
                return reply
            except BaseException as exc:
                failed = exc
                raise
            finally:
                if measured:
                    parts = urlsplit(url)
                    ok, bad, took, sized = by_key((parts.hostname or "", parts.port or 80, status))
                    ok.add()
                    if failed is not None:
                        bad.add()
                    took.record(time.perf_counter() - begin)
                    if failed is None and method != "HEAD":
                        sized.record(length)
                if span is not None:
                    span.set_attribute("http.response.status_code", status)
                    if failed is not None:
                        span.set_status(Status(StatusCode.ERROR, str(failed)))
                    span.end()

        return instrumented

    return wrap
