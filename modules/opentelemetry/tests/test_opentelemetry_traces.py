"""Traces reach a real OTLP/HTTP receiver: router, proxy, backend and backend-request spans,
each the child of the one above, under the client's W3C trace context, which the backend
receives too."""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import SpanFlags
from propylon.sdk.testing import RecordingBackend, free_port, send
from propylon_opentelemetry.module import module
from propylon_opentelemetry.otlp_http import HTTPSpanSink, Settings
from propylon_opentelemetry.spans import SERVER, Template

Gateway = Callable[..., str]
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
REMOTE_PARENT = SpanFlags.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK
CLIENT_SPAN = "00f067aa0ba902b7"


def config(backend: str, receiver: str, **otel: Any) -> dict[str, Any]:
    port = int(receiver.rsplit(":", 1)[1])
    return {
        "name": "traced-gateway",
        "extra_config": {
            "telemetry/opentelemetry": {
                "exporters": {
                    "otlp": [{"name": "local", "host": "127.0.0.1", "port": port, "use_http": True}]
                },
                **otel,
            }
        },
        "endpoints": [
            {
                "endpoint": "/items/{id}",
                "backend": [{"host": [backend], "url_pattern": "/i/{id}"}],
            }
        ],
    }


def wait_for(receiver: Any, count: int) -> list[Any]:
    deadline = time.monotonic() + 10
    while len(receiver.spans) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return list(receiver.spans)


def test_spans_nest_and_the_trace_reaches_the_backend(
    gateway: Gateway, backend: tuple[RecordingBackend, str], receiver: Any
) -> None:
    recording, backend_url = backend
    url = gateway(config(backend_url, receiver.url), module)
    traceparent = f"00-{TRACE_ID}-{CLIENT_SPAN}-01"
    assert send("GET", url + "/items/7", headers={"traceparent": traceparent}).status == 200
    spans = {s.name: s for s in wait_for(receiver, 4)}
    assert set(spans) == {"/items/7", "/items/{id}", "/i/{id}"}, sorted(spans)
    by_stage = {
        next(a.value.string_value for a in s.attributes if a.key == "krakend.stage"): s
        for s in receiver.spans
    }
    assert set(by_stage) == {"global", "proxy", "backend", "backend-request"}
    chain = [by_stage[s] for s in ("global", "proxy", "backend", "backend-request")]
    assert {s.trace_id.hex() for s in chain} == {TRACE_ID}
    assert chain[0].parent_span_id.hex() == CLIENT_SPAN
    assert [bool(s.flags & REMOTE_PARENT) for s in chain] == [True, False, False, False]
    for parent, child in itertools.pairwise(chain):
        assert child.parent_span_id == parent.span_id
    assert chain[0].kind == 2 and chain[3].kind == 3  # SERVER, CLIENT
    sent = recording.requests[0].headers["traceparent"]
    assert sent.startswith(f"00-{TRACE_ID}-{chain[3].span_id.hex()}-")
    assert receiver.resources[0]["service.name"] == "traced-gateway"


def test_a_trace_starts_without_client_context(
    gateway: Gateway, backend: tuple[RecordingBackend, str], receiver: Any
) -> None:
    recording, backend_url = backend
    url = gateway(config(backend_url, receiver.url, service_name="gw"), module)
    send("GET", url + "/items/1")
    spans = wait_for(receiver, 4)
    root = next(s for s in spans if not s.parent_span_id)
    assert recording.requests[0].headers["traceparent"].split("-")[1] == root.trace_id.hex()
    assert receiver.resources[0]["service.name"] == "gw"


def test_disabled_layers_make_no_spans(
    gateway: Gateway, backend: tuple[RecordingBackend, str], receiver: Any
) -> None:
    layers = {
        "global": {"disable_traces": True},
        "proxy": {"disable_traces": True},
        "backend": {"traces": {"disable_stage": True, "round_trip": False}},
    }
    recording, backend_url = backend
    url = gateway(config(backend_url, receiver.url, layers=layers), module)
    traceparent = f"00-{TRACE_ID}-{CLIENT_SPAN}-01"
    send("GET", url + "/items/1", headers={"traceparent": traceparent})
    time.sleep(0.4)
    assert receiver.spans == []
    # Propagation stays on: the backend gets the client's context.
    assert recording.requests[0].headers["traceparent"] == traceparent


def test_without_a_router_span_the_proxy_span_is_the_clients_child(
    gateway: Gateway, backend: tuple[RecordingBackend, str], receiver: Any
) -> None:
    _recording, backend_url = backend
    layers = {"global": {"disable_traces": True}}
    url = gateway(config(backend_url, receiver.url, layers=layers), module)
    traceparent = f"00-{TRACE_ID}-{CLIENT_SPAN}-01"
    send("GET", url + "/items/1", headers={"traceparent": traceparent})
    spans = wait_for(receiver, 3)
    proxy = next(s for s in spans if s.name == "/items/{id}")
    assert proxy.parent_span_id.hex() == CLIENT_SPAN and proxy.flags & REMOTE_PARENT
    assert [bool(s.flags & REMOTE_PARENT) for s in spans].count(True) == 1


def test_an_unsampled_trace_records_nothing_and_still_propagates(
    gateway: Gateway, backend: tuple[RecordingBackend, str], receiver: Any
) -> None:
    recording, backend_url = backend
    url = gateway(config(backend_url, receiver.url, trace_sample_rate=0), module)
    send("GET", url + "/items/1")
    version, trace_id, span_id, flags = recording.requests[0].headers["traceparent"].split("-")
    assert (version, flags) == ("00", "00")
    assert int(trace_id, 16) and int(span_id, 16)
    # The client's sampled flag is followed whatever the rate, its tracestate passed on.
    traceparent = f"00-{TRACE_ID}-{CLIENT_SPAN}-01"
    send("GET", url + "/items/2", headers={"traceparent": traceparent, "tracestate": "k=v"})
    spans = wait_for(receiver, 4)
    assert len(spans) == 4 and {s.trace_id.hex() for s in spans} == {TRACE_ID}
    assert {s.trace_state for s in spans} == {"k=v"}
    assert recording.requests[1].headers["tracestate"] == "k=v"
    time.sleep(0.3)
    assert len(receiver.spans) == 4, "the unsampled request recorded spans"


def test_a_failing_backend_marks_its_spans(gateway: Gateway, receiver: Any) -> None:
    url = gateway(config("http://127.0.0.1:1", receiver.url), module)
    assert send("GET", url + "/items/1").status >= 500
    by_stage = {
        next(a.value.string_value for a in s.attributes if a.key == "krakend.stage"): s
        for s in wait_for(receiver, 4)
    }
    assert by_stage["backend-request"].status.code == 2  # ERROR
    assert by_stage["backend-request"].status.message
    assert by_stage["global"].status.code == 2
    status_of = {
        stage: next(a.value.int_value for a in s.attributes if a.key == "http.response.status_code")
        for stage, s in by_stage.items()
    }
    assert status_of["global"] >= 500


def test_a_large_batch_arrives_whole_with_the_exporter_settings(
    gateway: Gateway,
    backend: tuple[RecordingBackend, str],
    receiver: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    requests = 150
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "60000")  # the batch leaves when full
    monkeypatch.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", str(4 * requests))
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=acme%20corp,x-other=1")
    _recording, backend_url = backend
    url = gateway(config(backend_url, receiver.url), module)
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda i: send("GET", f"{url}/items/{i}").status, range(requests)))
    assert statuses == [200] * requests
    spans = wait_for(receiver, 4 * requests)
    assert receiver.batches == [4 * requests]
    assert receiver.headers[0]["Content-Encoding"] == "gzip"
    assert receiver.headers[0]["Content-Type"] == "application/x-protobuf"
    assert receiver.headers[0]["x-tenant"] == "acme corp"
    assert len({s.span_id for s in spans}) == 4 * requests
    traces: dict[bytes, list[Any]] = {}
    for span in spans:
        traces.setdefault(span.trace_id, []).append(span)
    assert len(traces) == requests
    for trace in traces.values():
        ids = {s.span_id for s in trace}
        assert sum(1 for s in trace if not s.parent_span_id) == 1
        assert all(s.parent_span_id in ids for s in trace if s.parent_span_id)
    assert {s.name for s in spans if not s.parent_span_id} == {
        f"/items/{i}" for i in range(requests)
    }


def test_an_unreachable_collector_is_logged_once_a_minute(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", "0.5")
    sink = HTTPSpanSink(
        "down", f"http://127.0.0.1:{free_port()}/v1/traces", {}, "krakend-otel", Settings.from_env()
    )
    template = Template("/a", SERVER, {})
    record = (template, "/a", 1, 2, 0, False, 1, 2, (), None, "")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            sink.export([record, record])
    lines = [r.getMessage() for r in caplog.records if "not exported" in r.getMessage()]
    assert len(lines) == 1 and "exporter 'down': 2 spans not exported" in lines[0], lines
