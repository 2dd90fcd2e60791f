"""What ``propylon check`` says about the namespaces: every problem named by its field."""

from __future__ import annotations

from typing import Any

import pytest
from propylon.sdk.testing import check_config, load_config
from propylon_ratelimit.module import module
from propylon_ratelimit.options import PROXY, ROUTER


def config(router: dict[str, Any] | None = None, proxy: dict[str, Any] | None = None) -> dict:
    backend: dict[str, Any] = {"host": ["http://127.0.0.1:9"], "url_pattern": "/x"}
    if proxy is not None:
        backend["extra_config"] = {"qos/ratelimit/proxy": proxy}
    endpoint: dict[str, Any] = {"endpoint": "/e", "backend": [backend]}
    if router is not None:
        endpoint["extra_config"] = {"qos/ratelimit/router": router}
    return {"version": 3, "endpoints": [endpoint]}


def errors(document: dict[str, Any]) -> list[str]:
    problems = check_config(document, [module])
    return [str(p) for p in problems.found if p.level == "error"]


@pytest.mark.parametrize(
    ("router", "field", "words"),
    [
        ({"max_rate": -1}, "max_rate", ""),
        ({"max_rate": 2e9}, "max_rate", ""),
        ({"capacity": "many"}, "capacity", ""),
        ({"client_max_rate": 5}, "strategy", "needs a strategy"),
        ({"client_max_rate": 5, "strategy": "cookie"}, "strategy", "unknown strategy"),
        ({"client_max_rate": 5, "strategy": "header"}, "key", "header"),
        ({"client_max_rate": 5, "strategy": "param"}, "key", "param"),
        ({"every": "soon"}, "every", ""),
        ({"num_shards": -1}, "num_shards", ""),
        ({"cleanup_threads": 5000}, "cleanup_threads", ""),
        ({"trusted_proxies": ["10.0.0.0/33"]}, "trusted_proxies", "10.0.0.0/33"),
        ({"redis_url": "http://cache:6379"}, "redis_url", "redis://"),
        ({"redis_failure": "maybe"}, "redis_failure", ""),
        ({"redis_timeout": "1m"}, "redis_timeout", ""),
    ],
)
def test_router_errors_name_the_field(router: dict[str, Any], field: str, words: str) -> None:
    found = errors(config(router=router))
    assert len(found) == 1, found
    assert f"qos/ratelimit/router.{field}" in found[0]
    assert words in found[0]


@pytest.mark.parametrize(
    ("proxy", "field"),
    [
        ({"max_rate": -5}, "max_rate"),
        ({"every": "0s"}, "every"),
        ({"capacity": 1.5e10}, "capacity"),
    ],
)
def test_proxy_errors_name_the_field(proxy: dict[str, Any], field: str) -> None:
    found = errors(config(proxy=proxy))
    assert len(found) == 1, found
    assert f"qos/ratelimit/proxy.{field}" in found[0]


def test_krakend_configurations_load() -> None:
    service = load_config(
        config(
            router={
                "max_rate": "50",
                "capacity": 50,
                "client_max_rate": 5,
                "client_capacity": 5,
                "every": "10m",
                "strategy": "IP",
                "num_shards": 128,
                "cleanup_period": "30s",
                "cleanup_threads": 2,
            },
            proxy={"max_rate": 0.5, "capacity": 1, "every": "2s"},
        ),
        [module],
    )
    options = ROUTER.of(service.endpoints[0])
    assert options is not None and options.strategy == "ip" and options.every == 600.0
    proxy = PROXY.of(service.endpoints[0].backend[0])
    assert proxy is not None and proxy.max_rate == 0.5 and proxy.redis_failure == "open"


def test_the_namespaces_are_read_only_where_krakend_reads_them() -> None:
    document = config()
    document["extra_config"] = {"qos/ratelimit/router": {"max_rate": 1}}
    problems = check_config(document, [module])
    assert not [p for p in problems.found if p.level == "error"]
    assert any("qos/ratelimit/router" in str(p) for p in problems.found)
