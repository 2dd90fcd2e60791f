"""The instrumented layers, as krakend-otel: global (the router), proxy, backend and the
backend request (the HTTP client), each a span child of the one above and a histogram.

Attributes that do not change per request are built here, once per endpoint or backend (a
span ``Template``); a request picks a cached series by its status or outcome, and records a
span as a tuple of what varies. Each stage hands its place in the trace (the ``Trace`` made
once per request, and its own span id) to the stages it calls through a context variable.
In a trace not sampled only the global layer makes a span id, the one the backend is sent.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator
from random import getrandbits
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from propylon.sdk import (
    Answer,
    BackendConfig,
    EndpointConfig,
    Handler,
    Headers,
    HTTPExecutor,
    Proxy,
    Request,
    Response,
    ServerRequest,
)

from propylon_opentelemetry.instruments import SIZE_BUCKETS, Attrs, Series
from propylon_opentelemetry.options import Attribute, GlobalLayer
from propylon_opentelemetry.spans import CLIENT, CURRENT, INTERNAL, SERVER, Template
from propylon_opentelemetry.telemetry import Telemetry

TRACEPARENT = "Traceparent"
TRACESTATE = "Tracestate"
# One clock per layer: the span's times (ns since the epoch) also give the histograms' seconds.
now = time.time_ns


def static(attributes: list[Attribute]) -> Attrs:
    return tuple((a.key, a.value) for a in attributes if a.key and a.value)


class Made(dict[Any, Any]):
    """``build(key)`` made once per key (a status, an outcome), looked up by subscript: on
    the request path a dict lookup, not a call."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[Any], Any]) -> None:
        super().__init__()
        self.build = build

    def __missing__(self, key: Any) -> Any:
        found = self[key] = self.build(key)
        return found


def header_skips(report: bool, skip: list[str]) -> frozenset[str] | None:
    """The header names (lower-case) kept out of spans when headers are reported; None when
    they are not (``report_headers`` off)."""
    return frozenset(name.lower() for name in skip) if report else None


def header_attributes(prefix: str, pairs: Iterable[tuple[str, str]], skip: frozenset[str]) -> Attrs:
    """``http.request.header.<name>`` (or response): every value of each header, as
    krakend-otel reports them, less the skipped names."""
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        lower = name.lower()
        if lower not in skip:
            grouped.setdefault(prefix + lower, []).append(value)
    return tuple((key, tuple(values)) for key, values in grouped.items())


def _pairs(headers: Headers) -> Iterator[tuple[str, str]]:
    return ((name, value) for name, values in headers.items() for value in values)


REQUEST_HEADER = "http.request.header."
RESPONSE_HEADER = "http.response.header."


def origin_of(url: str) -> str:
    """``scheme://authority`` of ``url``: a key as bounded as the backends' hosts, where the
    whole URL would grow with every path parameter."""
    end = url.find("/", url.find("://") + 3)
    return url if end < 0 else url[:end]


def _host_and_port(origin: str) -> tuple[str, int]:
    parts = urlsplit(origin)
    return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)


def new_global(
    tel: Telemetry, endpoint: EndpointConfig, opts: GlobalLayer
) -> Callable[[Handler], Handler]:
    route = endpoint.endpoint
    reported = header_skips(opts.report_headers, opts.skip_headers)
    method = endpoint.method.upper()
    spans = tel.spans
    traced = tel.tracing and not opts.disable_traces
    propagate = not opts.disable_propagation
    positioned = traced or propagate
    measured = not opts.disable_metrics and tel.metrics_enabled
    fixed = static(opts.metrics_static_attributes)
    duration = tel.meter.histogram("http.server.duration")
    size = tel.meter.histogram("http.server.response.size", SIZE_BUCKETS)
    template = Template(route, SERVER, {
        "krakend.stage": "global",
        "http.request.method": method,
        "http.route": route,
        **dict(static(opts.traces_static_attributes)),
    })  # fmt: skip

    def series(status: int) -> tuple[Series, Series]:
        attrs = (*fixed, ("http.request.method", method), ("url.scheme", "http"),
                 ("http.route", route), ("http.response.status_code", status))  # fmt: skip
        return duration.series_for(attrs), size.series_for(attrs)

    by_status = Made(series)
    root, fresh, record = spans.root, spans.fresh, spans.record

    def wrap(handler: Handler) -> Handler:
        async def instrumented(request: ServerRequest) -> Answer:
            token = None
            trace, parent_id, span_id = None, 0, 0
            if positioned:
                if propagate:
                    headers = request.headers
                    found = headers.get(TRACEPARENT)
                    if found:
                        trace, parent_id = root(found, headers.get(TRACESTATE))
                if trace is None:
                    trace = fresh()
                if traced:
                    span_id = getrandbits(64) or 1
                token = CURRENT.set((trace, span_id or parent_id))
            start = now()
            status, length = 500, 0
            answered: Iterable[tuple[str, str]] = ()  # the answer's headers
            try:
                answer = await handler(request)
                status, length, answered = answer.status, len(answer.body), answer.headers
                return answer
            except web.HTTPException as exc:
                status, answered = exc.status, exc.headers.items()
                raise
            finally:
                end = now()
                if token is not None:
                    CURRENT.reset(token)
                if measured:
                    took, sized = by_status[status]
                    took.record(max(end - start, 0) / 1e9)
                    sized.record(length)
                if span_id and trace is not None and trace.sampled:
                    varying: Attrs = (("http.response.status_code", status),
                                      ("http.response.body.size", length))  # fmt: skip
                    if reported is not None:
                        varying += header_attributes(REQUEST_HEADER, request.headers.items(),
                                                     reported)  # fmt: skip
                        varying += header_attributes(RESPONSE_HEADER, answered, reported)
                    record((template, request.path, trace.trace_id, span_id, parent_id,
                            trace.remote(parent_id), start, end, varying,
                            "" if status >= 500 else None, trace.state))  # fmt: skip

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
    reported: frozenset[str] | None = None,
) -> Callable[[Proxy], Proxy]:
    """The proxy or backend stage: a span named after the route and ``krakend.STAGE.duration``
    by error, canceled and complete; the request's and response's headers on the span unless
    ``reported`` is None (the names it holds are left out)."""
    spans = tel.spans
    traced = traces and tel.tracing
    measured = metrics and tel.metrics_enabled
    histogram = tel.meter.histogram(f"krakend.{stage}.duration")
    template = Template(name, INTERNAL,
                        {**dict(attributes), "krakend.stage": stage, **dict(trace_attributes)})  # fmt: skip
    fixed = (*attributes, *metric_attributes)
    by_outcome = Made(
        lambda o: histogram.series_for(
            (*fixed, ("error", o[0]), ("canceled", o[1]), ("complete", o[2]))
        )
    )
    attributes_of = Made(
        lambda pair: (("http.response.status_code", pair[0]), ("complete", pair[1]))
    )
    fresh, record = spans.fresh, spans.record

    def wrap(next_proxy: Proxy) -> Proxy:
        async def instrumented(request: Request) -> Response:
            token = None
            trace, parent_id, span_id = None, 0, 0
            if traced:  # a span only in a sampled trace: the calls below see the parent's
                here = CURRENT.get()
                trace, parent_id = (fresh(), 0) if here is None else here
                if trace.sampled:
                    span_id = getrandbits(64) or 1
                    token = CURRENT.set((trace, span_id))
            start = now()
            response: Response | None = None
            failed: BaseException | None = None
            try:
                response = await next_proxy(request)
                return response
            except BaseException as exc:
                failed = exc
                raise
            finally:
                end = now()
                if token is not None:
                    CURRENT.reset(token)
                canceled = isinstance(failed, asyncio.CancelledError)
                errored = (failed is not None and not canceled) or (
                    response is not None and response.error is not None
                )
                complete = response is not None and response.is_complete
                if measured:
                    by_outcome[errored, canceled, complete].record(max(end - start, 0) / 1e9)
                if span_id and trace is not None:
                    status = response.metadata.status_code if response is not None else 500
                    varying = attributes_of[status or 200, complete]
                    if canceled:
                        varying += (("canceled", True),)
                    elif failed is not None:
                        varying += (("error", str(failed) or type(failed).__name__),)
                    if reported is not None:
                        varying += header_attributes(REQUEST_HEADER, _pairs(request.headers),
                                                     reported)  # fmt: skip
                        if response is not None:
                            varying += header_attributes(
                                RESPONSE_HEADER, _pairs(response.metadata.headers), reported
                            )
                    record((template, name, trace.trace_id, span_id, parent_id,
                            trace.remote(parent_id), start, end, varying, None,
                            trace.state))  # fmt: skip

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
    reported: frozenset[str] | None = None,
) -> Callable[[HTTPExecutor], HTTPExecutor]:
    """The HTTP call: a CLIENT span, ``traceparent`` to the backend, http.client.* figures;
    the headers sent and received on the span unless ``reported`` is None."""
    spans = tel.spans
    traced = traces and tel.tracing
    measured = metrics and tel.metrics_enabled
    route = backend.url_pattern
    base = (("http.request.method", backend.method.upper()), ("http.route", route),
            ("krakend.endpoint.route", backend.parent_endpoint),
            ("krakend.endpoint.method", backend.parent_method))  # fmt: skip
    template = Template(route, CLIENT,
                        {**dict(base), "krakend.stage": "backend-request", **dict(trace_attributes)})  # fmt: skip
    fixed = (*base, *metric_attributes)
    meter = tel.meter
    started = meter.counter("http.client.request.started.count")
    failed_count = meter.counter("http.client.request.failed.count")
    duration = meter.histogram("http.client.duration")
    size = meter.histogram("http.client.response.size", SIZE_BUCKETS)

    def series(key: tuple[str, int]) -> tuple[Series, Series, Series, Series]:
        origin, status = key
        host, port = _host_and_port(origin)
        attrs = (*fixed, ("clientname", route), ("server.address", host), ("server.port", port),
                 ("http.response.status_code", status))  # fmt: skip
        return (started.series_for(attrs), failed_count.series_for(attrs),
                duration.series_for(attrs), size.series_for(attrs))  # fmt: skip

    by_key = Made(series)  # by origin (``origin_of``) and status
    status_attribute = Made(lambda status: (("http.response.status_code", status),))
    fresh, record = spans.fresh, spans.record

    def wrap(execute: HTTPExecutor) -> HTTPExecutor:
        async def instrumented(method: str, url: str, headers: Headers, body: bytes) -> Any:
            sent = headers  # reported as the stage above sent them, without the trace context
            here = CURRENT.get()
            trace, parent_id, span_id = None, 0, 0
            if traced:
                trace, parent_id = (fresh(), 0) if here is None else here
                if trace.sampled:
                    span_id = getrandbits(64) or 1
                    here = (trace, span_id)
            if propagate and here is not None and here[1]:
                context = here[0]
                headers = {**headers, TRACEPARENT: [context.traceparent(here[1])]}
                if context.state:
                    headers[TRACESTATE] = [context.state]
            start = now()
            status, length, failed, reply = 0, 0, None, None
            try:
                reply = await execute(method, url, headers, body)
                status, length = reply.status, len(reply.body)
                return reply
            except BaseException as exc:
                failed = exc
                raise
            finally:
                end = now()
                if measured:
                    ok, bad, took, sized = by_key[origin_of(url), status]
                    ok.add()
                    if failed is not None:
                        bad.add()
                    took.record(max(end - start, 0) / 1e9)
                    if failed is None and method != "HEAD":
                        sized.record(length)
                if span_id and trace is not None:
                    varying = status_attribute[status]
                    if reported is not None:
                        varying += header_attributes(REQUEST_HEADER, _pairs(sent), reported)
                        if reply is not None:
                            varying += header_attributes(RESPONSE_HEADER, reply.headers.items(),
                                                         reported)  # fmt: skip
                    record((template, route, trace.trace_id, span_id, parent_id,
                            trace.remote(parent_id), start, end, varying,
                            None if failed is None else str(failed), trace.state))  # fmt: skip

        return instrumented

    return wrap
