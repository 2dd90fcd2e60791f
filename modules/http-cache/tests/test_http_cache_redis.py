"""The Redis store: shared by several gateways, and never in the way when Redis is down."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import pytest
from propylon.sdk.testing import RedisServer, send
from redis import Redis

pytestmark = pytest.mark.skipif(not RedisServer.available(), reason="redis-server not installed")


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def config(host: str, redis_url: str, shared: bool = False) -> dict:
    cache = {"shared": shared, "redis": {"url": redis_url, "timeout": "200ms"}}
    backend = {"host": [host], "url_pattern": "/data", "extra_config": {"qos/http-cache": cache}}
    return {"endpoints": [{"endpoint": "/data", "backend": [backend]}]}


def n(url: str) -> int:
    reply = send("GET", url)
    assert reply.status == 200
    return reply.json()["n"]


@pytest.mark.parametrize("shared", [False, True])
def test_two_gateways_share_the_store(backend, gateway, redis, shared) -> None:
    served, host = backend
    served.route("data", {"Cache-Control": "max-age=60"})
    first = gateway(config(host, redis.url, shared)) + "/data"
    second = gateway(config(host, redis.url, shared)) + "/data"
    assert [n(first), n(second), n(first), n(second)] == [1, 1, 1, 1]
    assert served.hits == 1


def test_entries_expire_in_redis(backend, gateway, redis) -> None:
    served, host = backend
    served.route("data", {"Cache-Control": "max-age=30"})
    url = gateway(config(host, redis.url)) + "/data"
    assert n(url) == 1
    client = Redis.from_url(redis.url)
    try:
        (key,) = client.keys("propylon:http-cache:*")
        assert 28_000 < client.pttl(key) <= 30_000, "kept while it may be served"
    finally:
        client.close()


def test_redis_down_calls_the_backend_without_waiting(backend, gateway, redis, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="propylon.http-cache")
    served, host = backend
    served.route("data", {"Cache-Control": "max-age=60"})
    url = gateway(config(host, redis.url)) + "/data"
    assert [n(url), n(url)] == [1, 1]
    redis.stop()
    started = time.monotonic()
    assert [n(url) for _ in range(5)] == [2, 3, 4, 5, 6]
    assert time.monotonic() - started < 1.0, "no request waits for Redis"
    assert any("Redis" in r.getMessage() for r in caplog.records if r.name == "propylon.http-cache")
    redis.start()
    time.sleep(1.1)  # past the pause after a failure
    assert [n(url), n(url)] == [7, 7], "back to caching once Redis answers"


def test_a_silent_redis_costs_at_most_its_timeout(backend, gateway) -> None:
    served, host = backend
    served.route("data", {"Cache-Control": "max-age=60"})
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        url = gateway(config(host, f"redis://127.0.0.1:{port}/0")) + "/data"
        started = time.monotonic()
        assert n(url) == 1
        first = time.monotonic() - started
        assert [n(url) for _ in range(5)] == [2, 3, 4, 5, 6]
        total = time.monotonic() - started
    assert first < 0.5, "one command timed out (200ms); the write was skipped"
    assert total < 1.0
