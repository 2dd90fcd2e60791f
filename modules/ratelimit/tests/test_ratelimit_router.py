"""``qos/ratelimit/router`` on an in-process gateway (per-process buckets): bursts of real
requests, from several loopback addresses, with and without trusted proxies."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from propylon.sdk.testing import RecordingBackend
from ratelimit_stack import burst, endpoint, get, statuses

Gateway = Callable[[dict[str, Any]], str]
# One token a minute: nothing refills during a test.
SLOW = {"every": "1h"}


def test_the_endpoint_limit_answers_503_beyond_capacity(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    recorder, host = backend
    url = gateway(
        {
            "endpoints": [
                endpoint("/limited", host, {"max_rate": 60, "capacity": 5, **SLOW}),
                endpoint("/free", host),
            ]
        }
    )
    answers = burst(url + "/limited", 12)
    assert statuses(answers) == {200: 5, 503: 7}
    assert recorder.hits == 5
    refused = get(url + "/limited")
    assert refused.status == 503
    assert statuses(burst(url + "/free", 6)) == {200: 6}


def test_each_client_ip_has_its_bucket(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    _, host = backend
    limits = {"client_max_rate": 60, "client_capacity": 3, "strategy": "ip", **SLOW}
    url = gateway({"endpoints": [endpoint("/c", host, limits)]}) + "/c"
    assert statuses(burst(url, 6, source="127.0.0.2")) == {200: 3, 429: 3}
    assert statuses(burst(url, 6, source="127.0.0.3")) == {200: 3, 429: 3}
    # Naming another address is of no use: the peer is not a trusted proxy.
    for forged in ("198.51.100.1", "198.51.100.2"):
        headers = {"X-Forwarded-For": forged, "X-Real-IP": forged}
        assert get(url, headers, source="127.0.0.2").status == 429


def test_a_trusted_proxy_names_the_client(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    _, host = backend
    limits = {
        "client_max_rate": 60,
        "client_capacity": 2,
        "strategy": "ip",
        "trusted_proxies": ["127.0.0.4/32"],
        **SLOW,
    }
    url = gateway({"endpoints": [endpoint("/c", host, limits)]}) + "/c"
    proxy = "127.0.0.4"
    for client in ("198.51.100.1", "198.51.100.2"):
        headers = {"X-Forwarded-For": client}
        assert statuses(burst(url, 4, headers, source=proxy)) == {200: 2, 429: 2}
    # What the client wrote before the proxy's entry does not count.
    spoofed = {"X-Forwarded-For": "203.0.113.50, 198.51.100.1"}
    assert get(url, spoofed, source=proxy).status == 429
    # Without a header the proxy itself is the client.
    assert statuses(burst(url, 3, source=proxy)) == {200: 2, 429: 1}
    # An untrusted peer's header is ignored.
    headers = {"X-Forwarded-For": "198.51.100.9"}
    assert statuses(burst(url, 3, headers, source="127.0.0.5")) == {200: 2, 429: 1}


def test_the_routers_trusted_proxies_name_the_client(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    _, host = backend
    limits = {"client_max_rate": 60, "client_capacity": 2, "strategy": "ip", **SLOW}
    router = {"trusted_proxies": ["127.0.0.4"], "remote_ip_headers": ["X-Client-IP"]}
    config = {"endpoints": [endpoint("/c", host, limits)], "extra_config": {"router": router}}
    url = gateway(config) + "/c"
    proxy = "127.0.0.4"
    for client in ("198.51.100.1", "198.51.100.2"):
        headers = {"X-Client-IP": client}
        assert statuses(burst(url, 4, headers, source=proxy)) == {200: 2, 429: 2}
    # Only the router's remote_ip_headers name the client; an untrusted peer names nobody.
    assert statuses(burst(url, 3, {"X-Forwarded-For": "198.51.100.3"}, source=proxy)) == {
        200: 2,
        429: 1,
    }
    forged = {"X-Client-IP": "198.51.100.9", "X-Forwarded-For": "198.51.100.9"}
    assert statuses(burst(url, 3, forged, source="127.0.0.5")) == {200: 2, 429: 1}


def test_key_names_the_header_a_trusted_proxy_writes(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    _, host = backend
    limits = {"client_max_rate": 60, "client_capacity": 1, "strategy": "ip", **SLOW}
    url = gateway(
        {
            "endpoints": [
                endpoint(
                    "/trusted",
                    host,
                    {**limits, "key": "X-Client", "trusted_proxies": ["127.0.0.1"]},
                ),
                endpoint("/untrusted", host, {**limits, "key": "X-Client"}),
            ]
        }
    )
    assert get(url + "/trusted", {"X-Client": "198.51.100.1"}).status == 200
    assert get(url + "/trusted", {"X-Client": "198.51.100.2"}).status == 200
    assert get(url + "/trusted", {"X-Client": "198.51.100.2"}).status == 429
    assert get(url + "/untrusted", {"X-Client": "198.51.100.1"}).status == 200
    assert get(url + "/untrusted", {"X-Client": "198.51.100.2"}).status == 429


def test_header_and_param_strategies(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    _, host = backend
    by_header = {
        "client_max_rate": 60,
        "client_capacity": 2,
        "strategy": "header",
        "key": "X-Api-Key",
    }
    by_param = {"client_max_rate": 60, "client_capacity": 2, "strategy": "param", "key": "tenant"}
    url = gateway(
        {
            "endpoints": [
                endpoint("/h", host, {**by_header, **SLOW}),
                endpoint("/t/{tenant}", host, {**by_param, **SLOW}),
            ]
        }
    )
    for key in ("alice", "bob"):
        answers = burst(url + "/h", 4, {"X-Api-Key": key})
        assert statuses(answers) == {200: 2, 429: 2}
    # No key: refused, as KrakenD refuses a request it cannot attribute.
    assert get(url + "/h").status == 429
    for tenant in ("acme", "globex"):
        assert statuses(burst(url + f"/t/{tenant}", 3)) == {200: 2, 429: 1}


def test_client_limit_is_checked_before_the_endpoint_limit(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    _, host = backend
    limits = {
        "max_rate": 60,
        "capacity": 4,
        "client_max_rate": 60,
        "client_capacity": 2,
        "strategy": "header",
        "key": "X-User",
        **SLOW,
    }
    url = gateway({"endpoints": [endpoint("/both", host, limits)]}) + "/both"
    # One user's excess (429) does not use the endpoint's tokens...
    assert [get(url, {"X-User": "a"}).status for _ in range(4)] == [200, 200, 429, 429]
    # ...so two more users get two each before the endpoint is exhausted (503).
    assert [get(url, {"X-User": "b"}).status for _ in range(2)] == [200, 200]
    assert [get(url, {"X-User": "c"}).status for _ in range(2)] == [503, 503]


def test_the_limit_refills_at_its_rate(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    _, host = backend
    # 20 per second, bucket of 2: a token every 50 ms.
    url = gateway({"endpoints": [endpoint("/r", host, {"max_rate": 20, "capacity": 2})]}) + "/r"
    assert 503 in [get(url).status for _ in range(30)]
    time.sleep(0.3)
    # Six tokens' worth of time: the bucket is full (2), and the refill lets one more through.
    after = [get(url).status for _ in range(8)]
    assert 3 <= after.count(200) <= 4
    assert after[:3] == [200, 200, 200]
