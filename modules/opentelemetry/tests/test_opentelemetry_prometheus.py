"""A real Prometheus scrapes the exporter of a real two-worker gateway: its query API counts
the requests sent, per endpoint and status, the gateway's totals rather than one worker's."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from propylon.sdk.testing import GatewayProcess, RecordingBackend, check_config, free_port
from propylon_opentelemetry.module import module


def query(prometheus: str, expression: str) -> list[dict[str, Any]]:
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
    with urllib.request.urlopen(url, timeout=5) as reply:
        return json.load(reply)["data"]["result"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("prometheus") is None, reason="prometheus is not installed")
def test_prometheus_counts_the_gateway_requests(
    backend: tuple[RecordingBackend, str], tmp_path: Path
) -> None:
    exporter_port, prometheus_port = free_port(), free_port()
    config = {
        "version": 3,
        "extra_config": {
            "telemetry/opentelemetry": {
                "exporters": {
                    "prometheus": [
                        {"name": "prom", "port": exporter_port, "listen_ip": "127.0.0.1"}
                    ]
                }
            }
        },
        "endpoints": [
            {"endpoint": "/a", "backend": [{"host": [backend[1]], "url_pattern": "/"}]},
            {"endpoint": "/b", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]},
        ],
    }
    (tmp_path / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s}\n"
        "scrape_configs:\n"
        f"  - job_name: gateway\n    static_configs: [{{targets: ['127.0.0.1:{exporter_port}']}}]\n"
    )
    prometheus = subprocess.Popen(
        [
            "prometheus",
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{prometheus_port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{prometheus_port}"
    try:
        with GatewayProcess(config, workers=2) as gw:
            sent: Counter[tuple[str, str]] = Counter()
            workers = set()
            for path in ["/a"] * 30 + ["/b"] * 12:
                status, pid = gw.get(path)
                sent[path, str(status)] += 1
                workers.add(pid)
            assert len(workers) == 2, "both workers should have served"
            expression = (
                "sum by (http_route, http_response_status_code) (http_server_duration_count)"
            )
            deadline = time.monotonic() + 30
            counted: dict[tuple[str, str], int] = {}
            while time.monotonic() < deadline:
                try:
                    result = query(api, expression)
                except OSError:
                    result = []
                counted = {
                    (r["metric"]["http_route"], r["metric"]["http_response_status_code"]): int(
                        float(r["value"][1])
                    )
                    for r in result
                }
                if counted == dict(sent):
                    break
                time.sleep(0.5)
            assert counted == dict(sent)
            backend_calls = query(api, "sum(krakend_backend_duration_count)")
            assert int(float(backend_calls[0]["value"][1])) == sum(sent.values())
    finally:
        prometheus.terminate()
        prometheus.wait(10)


def test_invalid_options_name_namespace_and_field() -> None:
    cases = {
        "trace_sample_rate": {"trace_sample_rate": 2},
        "exporters.otlp[0].port": {"exporters": {"otlp": [{"name": "a", "port": "x"}]}},
        "layers.global.disable_metrics": {"layers": {"global": {"disable_metrics": "maybe"}}},
        "exporters.prometheus[0].name": {
            "exporters": {"otlp": [{"name": "a"}], "prometheus": [{"name": "a"}]}
        },
    }
    for where, options in cases.items():
        found = check_config({"extra_config": {"telemetry/opentelemetry": options}}, [module])
        lines = [str(p) for p in found.errors]
        assert any(f"telemetry/opentelemetry.{where}" in p for p in lines), (where, lines)
