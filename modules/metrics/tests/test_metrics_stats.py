"""/__stats answers krakend-metrics' shape, and with two workers the gateway's figures."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from propylon.sdk.testing import GatewayProcess, RecordingBackend, check_config, free_port, send
from propylon_metrics.module import module

Gateway = Callable[..., str]


def config(backend: str, port: int, **options: Any) -> dict[str, Any]:
    return {
        "version": 3,
        "extra_config": {"telemetry/metrics": {"listen_address": f"127.0.0.1:{port}", **options}},
        "endpoints": [
            {"endpoint": "/items/{id}", "backend": [{"host": [backend], "url_pattern": "/i/{id}"}]},
            {
                "endpoint": "/down",
                "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}],
            },
        ],
    }


def stats(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__stats", timeout=5) as reply:
        assert reply.headers["Content-Type"].startswith("application/json")
        return json.load(reply)


def test_stats_shape(gateway: Gateway, backend: tuple[RecordingBackend, str]) -> None:
    port = free_port()
    url = gateway(config(backend[1], port), module)
    for i in range(3):
        assert send("GET", f"{url}/items/{i}").status == 200
    assert send("GET", url + "/down").status == 500
    figures = stats(port)
    assert isinstance(figures["cmdline"], list)
    assert figures["krakend.router.response./items/{id}.status.200.count"] == 3
    assert figures["krakend.router.response./down.status.500.count"] == 1
    assert figures["krakend.router.response./items/{id}.time.count"] == 3
    assert figures["krakend.router.response./items/{id}.size.min"] > 0
    ok = "complete.true.error.false"
    assert figures[f"krakend.proxy.requests.layer.pipe.name./items/{{id}}.{ok}"] == 3
    assert figures[f"krakend.proxy.requests.layer.backend.name./i/{{id}}.{ok}"] == 3
    assert (
        figures["krakend.proxy.requests.layer.pipe.name./items/{id}.complete.false.error.true"] == 0
    )
    latency = f"krakend.proxy.latency.layer.backend.name./i/{{id}}.{ok}"
    assert figures[latency + ".count"] == 3
    suffixes = ("min", "max", "mean", "std-dev", "50-percentile", "75-percentile", "95-percentile")
    assert all(figures[latency + "." + s] > 0 for s in suffixes)
    assert (
        figures[latency + ".max"]
        >= figures[latency + ".99-percentile"]
        >= figures[latency + ".min"]
    )
    assert figures["krakend.router.connected"] == 4
    assert "krakend.router.connected-total" in figures


def test_disabled_layers(gateway: Gateway, backend: tuple[RecordingBackend, str]) -> None:
    port = free_port()
    options = {"backend_disabled": True, "proxy_disabled": True}
    url = gateway(config(backend[1], port, **options), module)
    send("GET", url + "/items/1")
    figures = stats(port)
    assert figures["krakend.router.response./items/{id}.status.200.count"] == 1
    assert not any(k.startswith("krakend.proxy.") for k in figures)


def test_collection_time_folds_connections(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    port = free_port()
    url = gateway(config(backend[1], port, collection_time="200ms"), module)
    send("GET", url + "/items/1")
    time.sleep(0.8)
    figures = stats(port)
    assert figures["krakend.router.connected-total"] == 1
    assert figures["krakend.router.connected"] == 0


def test_two_workers_report_the_gateway(backend: tuple[RecordingBackend, str]) -> None:
    port = free_port()
    with GatewayProcess(config(backend[1], port), workers=2) as gw:
        answered_by = {gw.get("/items/1")[1] for _ in range(40)}
        assert len(answered_by) == 2, "both workers should have served"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            counted = answered(stats(port))
            if counted == 40:
                break
            time.sleep(0.2)
        assert counted == 40


def answered(figures: dict[str, Any]) -> int:
    """Requests to /items/{id} the figures count, whatever their status."""
    prefix = "krakend.router.response./items/{id}.status."
    return sum(v for k, v in figures.items() if k.startswith(prefix))


def test_invalid_options_name_namespace_and_field() -> None:
    for field, value in (("listen_address", "x"), ("collection_time", "soon")):
        found = check_config({"extra_config": {"telemetry/metrics": {field: value}}}, [module])
        lines = [str(p) for p in found.errors]
        assert any(f"telemetry/metrics.{field}" in p for p in lines), lines
