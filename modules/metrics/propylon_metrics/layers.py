"""The instrumented layers: router (per endpoint), pipe (per endpoint) and backend."""

from __future__ import annotations

import time
from collections.abc import Callable

from aiohttp import web
from propylon.sdk import Answer, Handler, Middleware, Proxy, Request, Response, ServerRequest

from propylon_metrics.collector import Collector
from propylon_metrics.registry import Counter, Histogram, Registry


def new_router_metrics(collector: Collector, endpoint: str) -> Callable[[Handler], Handler]:
    """Wraps an endpoint's handler: response status counts, size and time (ns) histograms."""
    registry = collector.registry
    base = f"router.response.{endpoint}"
    size = registry.histogram(base + ".size")
    took = registry.histogram(base + ".time")
    statuses: dict[int, Counter] = {}
    connected = collector.connected
    disconnected = collector.disconnected

    def status_counter(status: int) -> Counter:
        counter = statuses.get(status)
        if counter is None:
            counter = statuses[status] = registry.counter(f"{base}.status.{status}.count")
        return counter

    def wrap(handler: Handler) -> Handler:
        async def measured(request: ServerRequest) -> Answer:
            connected.count += 1
            begin = time.perf_counter_ns()
            status, length = 500, 0
            try:
                answer = await handler(request)
                status = answer.status
                length = len(answer.body)
                return answer
            except web.HTTPException as exc:
                status = exc.status
                raise
            finally:
                status_counter(status).count += 1
                size.update(length)
                took.update(time.perf_counter_ns() - begin)
                disconnected.count += 1

        return measured

    return wrap


def new_proxy_metrics(registry: Registry, layer: str, name: str) -> Middleware:
    """Counts and times a proxy by outcome: ``requests``/``latency`` ``.layer.L.name.N
    .complete.C.error.E``, the four outcomes registered up front as krakend-metrics does."""
    base = f"layer.{layer}.name.{name}"
    outcomes: dict[tuple[bool, bool], tuple[Counter, Histogram]] = {}
    for complete in (True, False):
        for errored in (True, False):
            labels = f"{base}.complete.{str(complete).lower()}.error.{str(errored).lower()}"
            outcomes[complete, errored] = (
                registry.counter("proxy.requests." + labels),
                registry.histogram("proxy.latency." + labels),
            )

    def wrap(next_proxy: Proxy) -> Proxy:
        async def measured(request: Request) -> Response:
            begin = time.perf_counter_ns()
            response = None
            try:
                response = await next_proxy(request)
                return response
            finally:
                failed = response is None or response.error is not None
                counter, latency = outcomes[response is not None and response.is_complete, failed]
                counter.count += 1
                latency.update(time.perf_counter_ns() - begin)

        return measured

    return wrap
