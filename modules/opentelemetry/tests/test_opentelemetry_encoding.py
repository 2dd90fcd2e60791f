"""The direct OTLP encoding decodes to what the SDK's encoder makes of the same spans."""

from __future__ import annotations

from collections.abc import Sequence

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export import SpanExporter
from propylon_opentelemetry.encoding import CACHED_VALUES, SpanEncoder
from propylon_opentelemetry.sdk_export import SDKSpanSink
from propylon_opentelemetry.spans import CLIENT, INTERNAL, SERVER, Record, Template

RESOURCE = {"service.name": "gw", "service.version": "1.2.3", "telemetry.sdk.language": "python"}
GLOBAL = Template("/items/{id}", SERVER, {"krakend.stage": "global", "http.route": "/items/{id}"})
PROXY = Template("/items/{id}", INTERNAL, {"krakend.stage": "proxy", "weight": 1.5, "on": True})
# A static attribute named as a varying one: the span has the varying value, once.
CALL = Template("/i/{id}", CLIENT, {"krakend.stage": "backend-request", "complete": "static"})

T = 0x4BF92F3577B34DA6A3CE929D0E0E4736
RECORDS: list[Record] = [
    (GLOBAL, "/items/7", T, 11, 0x00F067AA0BA902B7, True, 1000, 9000,
     (("http.response.status_code", 200), ("http.response.body.size", 42)), None, "k=v,a=b"),
    (PROXY, "/items/{id}", T, 12, 11, False, 2000, 8000,
     (("http.response.status_code", 200), ("complete", True),
      ("http.request.header.x-team", ("blue", "red"))), None, "k=v,a=b"),
    (CALL, "/i/{id}", T, 13, 12, False, 3000, 7000,
     (("http.response.status_code", 0), ("complete", False)), "connection refused", "k=v,a=b"),
    (GLOBAL, "/items/8", T + 1, 14, 0, False, 4000, 6000,
     (("http.response.status_code", 502), ("http.response.body.size", 0)), "", ""),
    # The common span: a parent, no trace state, no error.
    (PROXY, "/items/{id}", T + 1, 15, 14, False, 4500, 5500,
     (("http.response.status_code", 200), ("complete", True)), None, ""),
]  # fmt: skip


def sdk_encoding(records: Sequence[Record]) -> ExportTraceServiceRequest:
    sink = SDKSpanSink(SpanExporter(), RESOURCE, "krakend-otel")
    encoded = encode_spans([sink.readable(r) for r in records])
    for span in encoded.resource_spans[0].scope_spans[0].spans:
        if span.status.code == 0:
            span.ClearField("status")  # UNSET: the same as no status
    return encoded


def test_the_encoding_is_the_sdks() -> None:
    encoder = SpanEncoder(RESOURCE, "krakend-otel")
    ours = ExportTraceServiceRequest.FromString(encoder.encode(RECORDS))
    assert ours == sdk_encoding(RECORDS)
    call = ours.resource_spans[0].scope_spans[0].spans[2]
    assert [a.key for a in call.attributes].count("complete") == 1
    # Encoded again from the caches: the same bytes.
    assert encoder.encode(RECORDS) == encoder.encode(RECORDS)


def test_a_large_batch_with_many_distinct_values_encodes_whole() -> None:
    records = [
        (PROXY, f"/n/{i}", T, i + 1, 0, False, i, i + 1,
         (("http.response.status_code", 200), ("size", i)), None, "")
        for i in range(CACHED_VALUES + 500)
    ]  # fmt: skip
    decoded = ExportTraceServiceRequest.FromString(
        SpanEncoder(RESOURCE, "krakend-otel").encode(records)
    )
    spans = decoded.resource_spans[0].scope_spans[0].spans
    assert len(spans) == len(records)
    assert [int.from_bytes(s.span_id, "big") for s in spans] == [r[3] for r in records]
    assert all(s.attributes[-1].value.int_value == i for i, s in enumerate(spans))
    assert decoded == sdk_encoding(records)
