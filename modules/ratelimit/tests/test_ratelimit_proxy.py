"""``qos/ratelimit/proxy``: calls beyond a backend's limit fail without reaching it, and the
endpoint answers as it does for any failed backend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from propylon.sdk.testing import RecordingBackend, send

Gateway = Callable[[dict[str, Any]], str]


def limited_backend(host: str, path: str, **more: Any) -> dict[str, Any]:
    limit = {"max_rate": 60, "capacity": 3, "every": "1h"}
    return {
        "host": [host],
        "url_pattern": path,
        "extra_config": {"qos/ratelimit/proxy": limit},
        **more,
    }


def test_a_lone_backend_over_its_limit_fails_the_endpoint(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    recorder, host = backend
    url = gateway(
        {
            "extra_config": {"router": {"return_error_msg": True}},
            "endpoints": [{"endpoint": "/one", "backend": [limited_backend(host, "/one")]}],
        }
    )
    replies = [send("GET", url + "/one") for _ in range(5)]
    assert [r.status for r in replies] == [200, 200, 200, 500, 500]
    assert recorder.hits == 3
    refused = replies[-1]
    assert refused.headers["X-Propylon-Completed"] == "false"
    assert refused.text == "rate limit exceded"


def test_in_a_merge_the_other_backends_still_answer(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    recorder, host = backend
    url = gateway(
        {
            "endpoints": [
                {
                    "endpoint": "/merged",
                    "backend": [
                        limited_backend(host, "/limited", group="limited"),
                        {"host": [host], "url_pattern": "/free", "group": "free"},
                    ],
                }
            ]
        }
    )
    replies = [send("GET", url + "/merged") for _ in range(4)]
    assert [sorted(r.json()) for r in replies] == [["free", "limited"]] * 3 + [["free"]]
    assert replies[-1].headers["X-Propylon-Completed"] == "false"
    assert [r.path for r in recorder.requests].count("/limited") == 3


def test_each_backend_has_its_own_bucket(
    gateway: Gateway, backend: tuple[RecordingBackend, str]
) -> None:
    _, host = backend
    url = gateway(
        {
            "endpoints": [
                {"endpoint": "/a", "backend": [limited_backend(host, "/a")]},
                {"endpoint": "/b", "backend": [limited_backend(host, "/b")]},
            ]
        }
    )
    assert [send("GET", url + "/a").status for _ in range(4)] == [200, 200, 200, 500]
    assert [send("GET", url + "/b").status for _ in range(4)] == [200, 200, 200, 500]
