"""An endpoint's and a backend's own ``telemetry/opentelemetry`` (krakend-otel's layer
overrides), and the headers reported on spans with ``report_headers``."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from propylon.sdk.testing import RecordingBackend, load_config, send
from propylon_opentelemetry.module import module
from propylon_opentelemetry.options import LayerOverrides

Gateway = Callable[..., str]


def config(backend: str, receiver: str, endpoint: dict[str, Any], **layers: Any) -> dict[str, Any]:
    port = int(receiver.rsplit(":", 1)[1])
    exporter = {"name": "local", "host": "127.0.0.1", "port": port, "use_http": True,
                "disable_metrics": True}  # fmt: skip
    plain = {"endpoint": "/plain", "backend": [{"host": [backend], "url_pattern": "/p"}]}
    return {
        "extra_config": {
            "telemetry/opentelemetry": {"exporters": {"otlp": [exporter]}, "layers": layers}
        },
        "endpoints": [plain, {"endpoint": "/own", **endpoint}],
    }


def spans_by_stage(receiver: Any, count: int) -> dict[tuple[str, str], Any]:
    """(stage, route attribute) -> span, once ``count`` spans arrived."""
    deadline = time.monotonic() + 10
    while len(receiver.spans) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # and no more
    found = {}
    for span in receiver.spans:
        attrs = {a.key: a.value for a in span.attributes}
        key = (attrs["krakend.stage"].string_value, attrs["http.route"].string_value)
        found[key] = span
    assert len(found) == len(receiver.spans) == count, sorted(found)
    return found


def headers_of(span: Any) -> dict[str, list[str]]:
    return {
        a.key: [v.string_value for v in a.value.array_value.values]
        for a in span.attributes
        if ".header." in a.key
    }


def test_an_endpoints_proxy_layer_replaces_the_services(
    gateway: Gateway, backend: tuple[RecordingBackend, str], receiver: Any
) -> None:
    _recording, url = backend
    own = {
        "extra_config": {"telemetry/opentelemetry": {"proxy": {"disable_traces": True}}},
        "backend": [{"host": [url], "url_pattern": "/o"}],
    }
    base = gateway(config(url, receiver.url, own), module)
    assert send("GET", base + "/plain").status == 200
    assert send("GET", base + "/own").status == 200
    stages = set(spans_by_stage(receiver, 7))
    assert ("proxy", "/plain") in stages and ("proxy", "/own") not in stages
    assert ("global", "/own") in stages and ("backend", "/o") in stages


def test_a_backends_layer_replaces_the_services_and_reports_headers(
    gateway: Gateway, backend: tuple[RecordingBackend, str], receiver: Any
) -> None:
    _recording, url = backend
    traces = {"report_headers": True, "skip_headers": ["authorization"]}
    own = {
        "input_headers": ["X-Team", "Authorization"],
        "backend": [
            {
                "host": [url],
                "url_pattern": "/o",
                "extra_config": {"telemetry/opentelemetry": {"backend": {"traces": traces}}},
            }
        ],
    }
    base = gateway(config(url, receiver.url, own), module)
    sent = {"X-Team": "blue", "Authorization": "Bearer secret"}
    assert send("GET", base + "/own", headers=sent).status == 200
    assert send("GET", base + "/plain", headers=sent).status == 200
    spans = spans_by_stage(receiver, 8)
    for stage in ("backend", "backend-request"):
        reported = headers_of(spans[stage, "/o"])
        assert reported["http.request.header.x-team"] == ["blue"], (stage, reported)
        assert not any("authorization" in key for key in reported)
    # The call's response headers; a backend stage's response has none (as in Lura, only
    # a no-op backend's response keeps them).
    assert "http.response.header.content-type" in headers_of(spans["backend-request", "/o"])
    assert headers_of(spans["backend", "/p"]) == {}  # the service's layer: no headers
    assert headers_of(spans["proxy", "/own"]) == {}


def test_the_global_layer_reports_the_clients_headers(
    gateway: Gateway, backend: tuple[RecordingBackend, str], receiver: Any
) -> None:
    _recording, url = backend
    own = {"backend": [{"host": [url], "url_pattern": "/o"}]}
    layers = {"global": {"report_headers": True, "skip_headers": ["Cookie"]}}
    base = gateway(config(url, receiver.url, own, **layers), module)
    send("GET", base + "/own", headers={"X-Team": "red", "Cookie": "s=1"})
    reported = headers_of(spans_by_stage(receiver, 4)["global", "/own"])
    assert reported["http.request.header.x-team"] == ["red"]
    assert "http.request.header.cookie" not in reported
    assert "http.response.header.content-type" in reported


def test_overrides_are_read_once_into_typed_options() -> None:
    raw = {
        "version": 3,
        "extra_config": {"telemetry/opentelemetry": {}},
        "endpoints": [
            {
                "endpoint": "/a",
                "extra_config": {
                    "telemetry/opentelemetry": {
                        "global": {"traces_static_attributes": [{"key": "k", "value": "v"}]},
                        "proxy": {"report_headers": True},
                    }
                },
                "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}],
            }
        ],
    }
    endpoint = load_config(raw, [module], lint=True).endpoints[0]
    own = endpoint.options["telemetry/opentelemetry"]
    assert isinstance(own, LayerOverrides)
    assert own.proxy is not None and own.proxy.report_headers and own.backend is None
    assert own.global_ is not None and own.global_.traces_static_attributes[0].value == "v"
