"""Limits shared through a real redis-server: two gateway processes enforce one limit
together; with Redis stopped or silent, each namespace's failure mode holds within its
timeout, and limiting resumes when Redis is back."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from propylon.sdk.testing import GatewayProcess, RecordingBackend, RedisServer, Servers, send
from propylon_ratelimit.redis_store import RETRY_AFTER
from ratelimit_stack import burst, endpoint, gateway_process, get, statuses

pytestmark = pytest.mark.skipif(not RedisServer.available(), reason="redis-server not installed")

SLOW = {"every": "1h"}
# Generous for a busy machine; a hang would be redis-py's 5 s default, or forever.
BOUND = 1.0


def limits(url: str, **more: Any) -> dict[str, Any]:
    return {"redis_url": url, "redis_timeout": "100ms", **SLOW, **more}


def gateway_config(host: str, url: str) -> dict[str, Any]:
    proxied = endpoint("/proxied", host)
    proxied["backend"][0]["url_pattern"] = "/proxied"
    proxied["backend"][0]["extra_config"] = {
        "qos/ratelimit/proxy": limits(url, max_rate=60, capacity=4)
    }
    many = {"max_rate": 60, "capacity": 1000}
    return {
        "endpoints": [
            endpoint("/shared", host, limits(url, max_rate=60, capacity=10)),
            endpoint(
                "/clients",
                host,
                limits(url, client_max_rate=60, client_capacity=3, strategy="header", key="X-Key"),
            ),
            endpoint("/open", host, limits(url, **many)),
            endpoint("/closed", host, limits(url, redis_failure="closed", **many)),
            endpoint(
                "/closed-clients",
                host,
                limits(
                    url,
                    redis_failure="closed",
                    client_max_rate=60,
                    client_capacity=1000,
                    strategy="ip",
                ),
            ),
            proxied,
        ]
    }


@pytest.fixture(scope="module")
def backend() -> Iterator[tuple[RecordingBackend, str]]:
    with Servers() as servers:
        recorder = RecordingBackend()
        yield recorder, servers.start(recorder.app())


@pytest.fixture(scope="module")
def store() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="module")
def pair(
    store: RedisServer,
    backend: tuple[RecordingBackend, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[GatewayProcess, GatewayProcess]]:
    """Two gateways on one Redis: one with two workers, one with one."""
    folder: Path = tmp_path_factory.mktemp("redis")
    config = gateway_config(backend[1], store.url)
    with (
        gateway_process(config, folder, workers=2) as first,
        gateway_process(config, folder, workers=1) as second,
    ):
        yield first, second


def test_two_gateways_enforce_one_endpoint_limit(
    pair: tuple[GatewayProcess, GatewayProcess], store: RedisServer
) -> None:
    first, second = pair
    answers = burst(first.url + "/shared", 12) + burst(second.url + "/shared", 12)
    assert statuses(answers) == {200: 10, 503: 14}
    keys = redis.Redis.from_url(store.url).keys("propylon:ratelimit:*")
    assert b"propylon:ratelimit:router:GET /shared" in keys


def test_two_gateways_enforce_one_limit_per_client(
    pair: tuple[GatewayProcess, GatewayProcess],
) -> None:
    first, second = pair
    for key in ("alice", "bob"):
        headers = {"X-Key": key}
        answers = burst(first.url + "/clients", 4, headers) + burst(
            second.url + "/clients", 4, headers
        )
        assert statuses(answers) == {200: 3, 429: 5}, key


def test_two_gateways_enforce_one_backend_limit(
    pair: tuple[GatewayProcess, GatewayProcess], backend: tuple[RecordingBackend, str]
) -> None:
    first, second = pair
    answers = burst(first.url + "/proxied", 5) + burst(second.url + "/proxied", 5)
    assert statuses(answers) == {200: 4, 500: 6}
    assert [r.path for r in backend[0].requests].count("/proxied") == 4


def test_with_redis_stopped_the_failure_mode_holds_without_waiting(
    pair: tuple[GatewayProcess, GatewayProcess], store: RedisServer
) -> None:
    first, second = pair
    store.stop()
    try:
        for gateway in (first, second):
            opened = burst(gateway.url + "/open", 6)
            closed = burst(gateway.url + "/closed", 6)
            clients = burst(gateway.url + "/closed-clients", 6)
            assert statuses(opened) == {200: 6}
            assert statuses(closed) == {503: 6}
            assert statuses(clients) == {503: 6}
            assert max(a.seconds for a in opened + closed + clients) < BOUND
            # The endpoint's limit is not counted while Redis is away: open means open.
            assert statuses(burst(gateway.url + "/shared", 4)) == {200: 4}
    finally:
        store.start()
    # Redis is tried again a second after the last failure: limits apply again (the
    # restarted Redis starts with full buckets).
    time.sleep(RETRY_AFTER + 0.3)
    for gateway in (first, second):
        assert statuses(burst(gateway.url + "/closed", 6)) == {200: 6}
    answers = burst(first.url + "/shared", 8) + burst(second.url + "/shared", 8)
    assert statuses(answers) == {200: 10, 503: 6}


class SilentServer:
    """Accepts connections and never answers: a Redis that hangs."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.listener.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def test_a_silent_redis_never_holds_a_request_longer_than_its_timeout(
    gateway: Callable[[dict[str, Any]], str],
    silent: SilentServer,
    backend: tuple[RecordingBackend, str],
) -> None:
    url = f"redis://127.0.0.1:{silent.port}/0"
    many = {"max_rate": 60, "capacity": 1000}
    proxied = endpoint("/proxied", backend[1])
    proxied["backend"][0]["extra_config"] = {
        "qos/ratelimit/proxy": limits(url, redis_failure="closed", **many)
    }
    base = gateway(
        {
            "extra_config": {"router": {"return_error_msg": True}},
            "endpoints": [
                endpoint("/open", backend[1], limits(url, **many)),
                endpoint("/closed", backend[1], limits(url, redis_failure="closed", **many)),
                proxied,
            ],
        }
    )
    opened = burst(base + "/open", 8)
    assert statuses(opened) == {200: 8}
    assert max(a.seconds for a in opened) < BOUND
    closed = burst(base + "/closed", 8)
    assert statuses(closed) == {503: 8}
    assert max(a.seconds for a in closed) < BOUND
    # The failure is remembered for a second: later requests do not wait at all.
    quick = get(base + "/closed")
    assert quick.status == 503 and quick.seconds < 0.1
    # A backend's limit fails the call, as an exceeded limit does; the store stays unnamed.
    failed = send("GET", base + "/proxied")
    assert failed.status == 500
    assert failed.text == "rate limit store unavailable"
