"""Per-span cost of encoding a batch to an OTLP request body: this module's encoder against
the SDK's path (``ReadableSpan`` objects, then its ``encode_spans``), on the 4 spans a
request of the bench's telemetry scenario records.

    .venv/bin/python modules/opentelemetry/benchmarks/encode_spans.py [BATCH]
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable

from google.protobuf.internal import api_implementation
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from propylon_opentelemetry.encoding import SpanEncoder
from propylon_opentelemetry.sdk_export import SDKSpanSink
from propylon_opentelemetry.spans import CLIENT, INTERNAL, SERVER, Record, Template

RESOURCE = dict(Resource.create({"service.name": "bench", "service.version": "0.1.0"}).attributes)
ROUTE = {"http.request.method": "GET", "http.route": "/passthrough"}
BACKEND = {**ROUTE, "krakend.endpoint.route": "/items", "krakend.endpoint.method": "GET"}
TEMPLATES = (
    Template("/items", SERVER, {"krakend.stage": "global", **ROUTE}),
    Template("/items", INTERNAL, {**ROUTE, "krakend.stage": "proxy"}),
    Template("/__debug/", INTERNAL, {**BACKEND, "krakend.stage": "backend"}),
    Template("/__debug/", CLIENT, {**BACKEND, "krakend.stage": "backend-request"}),
)


def records(count: int) -> list[Record]:
    made: list[Record] = []
    while len(made) < count:
        trace, parent = random.getrandbits(128), 0
        now = time.time_ns()
        for template in TEMPLATES:
            span = random.getrandbits(64)
            varying = (
                (("http.response.status_code", 200), ("http.response.body.size", 1024))
                if template.kind == SERVER
                else (("http.response.status_code", 200), ("complete", True))
            )
            made.append((template, template.name, trace, span, parent, False, now, now + 1000,
                         varying, None, ""))  # fmt: skip
            parent = span
    return made[:count]


class Discard(SpanExporter):
    def export(self, spans: object) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def per_span(encode: Callable[[list[Record]], object], batch: list[Record]) -> float:
    encode(batch)
    rounds, started = 0, time.perf_counter()
    while time.perf_counter() - started < 2.0:
        encode(batch)
        rounds += 1
    return (time.perf_counter() - started) / rounds / len(batch) * 1e6


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
    batch = records(size)
    encoder = SpanEncoder(RESOURCE, "krakend-otel")
    sink = SDKSpanSink(Discard(), RESOURCE, "krakend-otel")

    def sdk(batch: list[Record]) -> bytes:
        return encode_spans([sink.readable(r) for r in batch]).SerializePartialToString()

    print(f"protobuf backend: {api_implementation.Type()}, batch of {size} spans")
    ours, theirs = per_span(encoder.encode, batch), per_span(sdk, batch)
    print(f"direct encoding:                    {ours:6.2f} µs/span")
    print(f"ReadableSpan + SDK encode_spans:    {theirs:6.2f} µs/span ({theirs / ours:.0f}x)")


if __name__ == "__main__":
    main()
