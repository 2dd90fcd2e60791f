"""Async agents (async/amqp) against a real RabbitMQ: each message reaches the backends once
they succeed, and the agent survives a broker restart."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from amqp_client import Broker, eventually
from propylon.sdk.testing import (
    GatewayProcess,
    RabbitMQServer,
    RecordingBackend,
    Servers,
    build_gateway,
    load_config,
    send,
)
from propylon_amqp.module import module


class Flaky:
    """A backend answering 500 while ``failing`` is set; records the bodies it accepted."""

    def __init__(self) -> None:
        self.failing = threading.Event()
        self.accepted: list[bytes] = []
        self.refused = 0
        self.recording = RecordingBackend(respond=self._respond)

    async def _respond(self, request: web.Request) -> web.StreamResponse:
        if self.failing.is_set():
            self.refused += 1
            return web.json_response({"error": "down"}, status=500)
        self.accepted.append(await request.read())
        return web.json_response({"ok": True})


def _agent(name: str, host: str, backend: str, **consumer: Any) -> dict[str, Any]:
    return {
        "name": name,
        "connection": {"max_retries": 0, "backoff_strategy": "fallback", "health_interval": "1s"},
        "consumer": {"topic": f"{name}.*", "workers": 2, "timeout": "2s", **consumer},
        "backend": [{"host": [backend], "url_pattern": "/jobs", "method": "POST"}],
        "extra_config": {
            "async/amqp": {"name": f"{name}-queue", "exchange": "agents", "host": host}
        },
    }


@pytest.fixture
def flaky(servers: Servers) -> Iterator[tuple[Flaky, str]]:
    backend = Flaky()
    yield backend, servers.start(backend.recording.app())


def _start(servers: Servers, config: dict[str, Any]) -> str:
    url = servers.start(build_gateway(load_config(config, [module]), [module]))
    return url


def _health(url: str) -> dict[str, str]:
    return send("GET", url + "/__health").json()["agents"]


def test_an_agent_calls_its_backend_for_each_message(
    rabbit: RabbitMQServer, servers: Servers, broker: Broker
) -> None:
    recording = RecordingBackend()
    backend = servers.start(recording.app())
    url = _start(servers, {"endpoints": [], "async_agent": [_agent("count", rabbit.url, backend)]})
    eventually(lambda: "count" in _health(url))  # consuming once it pinged
    bodies = [f'{{"job": {i}}}'.encode() for i in range(8)]
    for body in bodies:
        broker.publish("agents", "count.new", body)
    eventually(lambda: recording.hits >= len(bodies))
    assert sorted(r.body for r in recording.requests) == sorted(bodies)
    assert {(r.method, r.path) for r in recording.requests} == {("POST", "/jobs")}
    assert broker.get("count-queue") is None  # every message acknowledged


def test_messages_are_redelivered_until_the_backend_recovers(
    rabbit: RabbitMQServer, servers: Servers, broker: Broker, flaky: tuple[Flaky, str]
) -> None:
    backend, backend_url = flaky
    backend.failing.set()
    url = _start(
        servers, {"endpoints": [], "async_agent": [_agent("retry", rabbit.url, backend_url)]}
    )
    eventually(lambda: "retry" in _health(url))
    bodies = [b'{"n": 1}', b'{"n": 2}', b'{"n": 3}']
    for body in bodies:
        broker.publish("agents", "retry.x", body)
    eventually(lambda: backend.refused >= 2 * len(bodies))  # refused, requeued, offered again
    assert backend.accepted == []
    backend.failing.clear()
    eventually(lambda: len(backend.accepted) >= len(bodies))
    assert sorted(backend.accepted) == bodies
    assert broker.get("retry-queue") is None


def test_an_agent_survives_a_broker_restart_and_http_keeps_answering(
    rabbit: RabbitMQServer, servers: Servers, broker: Broker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="propylon.amqp")
    recording = RecordingBackend()
    backend = servers.start(recording.app())
    plain = {"endpoint": "/plain", "backend": [{"host": [backend], "url_pattern": "/p"}]}
    produce = {
        "endpoint": "/produce",
        "method": "POST",
        "backend": [
            {
                "host": [rabbit.url],
                "disable_host_sanitize": True,
                "url_pattern": "/",
                "extra_config": {
                    "backend/amqp/producer": {
                        "name": "restart-queue",
                        "exchange": "agents",
                        "routing_key": "restart.http",
                        "static_routing_key": True,
                    }
                },
            }
        ],
    }
    agent = _agent("restart", rabbit.url, backend)
    url = _start(servers, {"endpoints": [plain, produce], "async_agent": [agent]})
    eventually(lambda: "restart" in _health(url))
    eventually(lambda: send("POST", url + "/produce", body=b'{"before": 1}').status == 200)
    eventually(lambda: any(r.body == b'{"before": 1}' for r in recording.requests))
    rabbit.stop()
    broker.close()
    # The gateway serves during the outage; the producer fails at once.
    assert send("GET", url + "/plain").status == 200
    started = time.monotonic()
    assert send("POST", url + "/produce", body=b"{}").status == 500
    assert time.monotonic() - started < 1
    stopped_at = _health(url)["restart"]
    rabbit.start()
    # Reconnected: the agent pings again once its new consumer is attached.
    eventually(lambda: _health(url)["restart"] > stopped_at, timeout=20)
    eventually(lambda: send("POST", url + "/produce", body=b'{"after": 1}').status == 200)
    eventually(lambda: any(r.body == b'{"after": 1}' for r in recording.requests))
    assert send("GET", url + "/plain").status == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "propylon.amqp"]
    assert any("[AMQP][restart]" in line and "lost: reconnecting" in line for line in lines)
    assert any("[BACKEND: /][AMQP]" in line and "lost: reconnecting" in line for line in lines)
    assert all(":guest@" not in line for line in lines), lines


def test_each_worker_consumes_and_a_message_is_handled_once(
    rabbit: RabbitMQServer, servers: Servers, broker: Broker, tmp_path: Path
) -> None:
    recording = RecordingBackend()
    backend = servers.start(recording.app())
    config = {
        "version": 3,
        "endpoints": [],
        "async_agent": [_agent("workers", rabbit.url, backend)],
    }
    with GatewayProcess(config, workers=2, folder=tmp_path) as gateway:
        eventually(lambda: broker.consumers("workers-queue") == 2, timeout=20)
        bodies = sorted(f'{{"n": {i}}}'.encode() for i in range(20))
        for body in bodies:
            broker.publish("agents", "workers.go", body)
        eventually(lambda: recording.hits >= len(bodies))
        time.sleep(0.3)  # a duplicate would arrive now
        assert sorted(r.body for r in recording.requests) == bodies
        assert "workers" in send("GET", gateway.url + "/__health").json()["agents"]
