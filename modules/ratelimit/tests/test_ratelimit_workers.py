"""Real ``propylon run`` processes with one and two workers: a limit holds for the gateway as
a whole. Every request comes on a fresh connection, and the worker that accepted it is read
from /proc, so the two-worker runs show both workers taking (and granting) requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from propylon.sdk import Module
from propylon.sdk.testing import GatewayProcess, RecordingBackend, Servers
from ratelimit_stack import Answer, burst, endpoint, gateway_process, statuses

SLOW = {"every": "1h"}  # no refill during a test
ENDPOINT_CAPACITY = 20


def gateway_config(host: str) -> dict[str, Any]:
    proxied = endpoint("/proxied", host)
    proxied["backend"][0]["url_pattern"] = "/proxied"
    proxied["backend"][0]["extra_config"] = {
        "qos/ratelimit/proxy": {"max_rate": 60, "capacity": 5, **SLOW}
    }
    return {
        "endpoints": [
            endpoint("/limited", host, {"max_rate": 60, "capacity": ENDPOINT_CAPACITY, **SLOW}),
            endpoint(
                "/by-ip",
                host,
                {"client_max_rate": 60, "client_capacity": 5, "strategy": "ip", **SLOW},
            ),
            endpoint(
                "/by-header",
                host,
                {
                    "client_max_rate": 60,
                    "client_capacity": 5,
                    "strategy": "header",
                    "key": "X-Api-Key",
                    **SLOW,
                },
            ),
            proxied,
        ]
    }


@pytest.fixture(scope="module")
def backend() -> Iterator[tuple[RecordingBackend, str]]:
    with Servers() as servers:
        recorder = RecordingBackend()
        yield recorder, servers.start(recorder.app())


@pytest.fixture(scope="module", params=[1, 2], ids=["w1", "w2"])
def running(
    request: pytest.FixtureRequest,
    backend: tuple[RecordingBackend, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[GatewayProcess]:
    backend[0].requests.clear()
    folder: Path = tmp_path_factory.mktemp(f"workers{request.param}")
    with gateway_process(gateway_config(backend[1]), folder, workers=request.param) as process:
        yield process


def served_by(answers: list[Answer], status: int | None = None) -> set[int]:
    return {a.worker for a in answers if status is None or a.status == status}


def test_the_module_is_installed_for_propylon_run() -> None:
    from propylon_ratelimit.module import module

    assert isinstance(module, Module)


def test_the_endpoint_limit_holds_across_workers(running: GatewayProcess) -> None:
    pids = running.worker_pids()
    assert len(pids) == running.workers
    answers = burst(running.url + "/limited", 50, workers=pids)
    assert statuses(answers) == {200: ENDPOINT_CAPACITY, 503: 50 - ENDPOINT_CAPACITY}
    # Every worker took requests and granted some: the bucket is shared, not split.
    assert served_by(answers) == set(pids)
    assert served_by(answers, 200) == set(pids)


def test_each_client_ip_is_limited_across_workers(running: GatewayProcess) -> None:
    pids = running.worker_pids()
    seen: list[Answer] = []
    for source in ("127.0.0.2", "127.0.0.3"):
        answers = burst(running.url + "/by-ip", 16, source=source, workers=pids)
        assert statuses(answers) == {200: 5, 429: 11}, source
        seen += answers
    forged = {"X-Forwarded-For": "198.51.100.7"}
    answers = burst(running.url + "/by-ip", 6, forged, source="127.0.0.2", workers=pids)
    assert statuses(answers) == {429: 6}
    assert served_by(seen) == set(pids)


def test_each_header_value_is_limited_across_workers(running: GatewayProcess) -> None:
    pids = running.worker_pids()
    for key in ("alice", "bob"):
        answers = burst(running.url + "/by-header", 16, {"X-Api-Key": key}, workers=pids)
        assert statuses(answers) == {200: 5, 429: 11}, key
        assert served_by(answers) == set(pids)


def test_a_backend_limit_holds_across_workers(
    running: GatewayProcess, backend: tuple[RecordingBackend, str]
) -> None:
    pids = running.worker_pids()
    answers = burst(running.url + "/proxied", 16, workers=pids)
    assert statuses(answers) == {200: 5, 500: 11}
    assert [r.path for r in backend[0].requests].count("/proxied") == 5
    assert served_by(answers) == set(pids)
