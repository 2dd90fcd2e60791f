"""Endpoint level: only the endpoint that declares the detector checks the User-Agent."""

from __future__ import annotations

from typing import Any

from propylon.sdk.testing import send


def endpoint(path: str, backend_url: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "endpoint": path,
        "extra_config": extra or {},
        "backend": [{"host": [backend_url], "url_pattern": "/x"}],
    }


def test_only_the_declaring_endpoint_rejects(gateway, backend):
    served, backend_url = backend
    detector = {"security/bot-detector": {"patterns": ["(?i)crawler"]}}
    url = gateway(
        {
            "endpoints": [
                endpoint("/guarded", backend_url, detector),
                endpoint("/open", backend_url),
            ]
        }
    )
    bot = {"User-Agent": "SomeCrawler/1.0"}
    reply = send("GET", url + "/guarded", bot)
    assert (reply.status, reply.body) == (403, b"")
    assert "Content-Type" not in reply.headers
    assert served.hits == 0
    assert send("GET", url + "/open", bot).status == 200
    assert send("GET", url + "/guarded", {"User-Agent": "Mozilla/5.0"}).status == 200
    assert served.hits == 2


def test_service_and_endpoint_levels_both_apply(gateway, backend):
    _, backend_url = backend
    url = gateway(
        {
            "extra_config": {"security/bot-detector": {"deny": ["everywhere"]}},
            "endpoints": [
                endpoint("/guarded", backend_url, {"security/bot-detector": {"deny": ["here"]}}),
                endpoint("/open", backend_url),
            ],
        }
    )
    assert send("GET", url + "/open", {"User-Agent": "everywhere"}).status == 403
    assert send("GET", url + "/open", {"User-Agent": "here"}).status == 200
    assert send("GET", url + "/guarded", {"User-Agent": "here"}).status == 403
    assert send("GET", url + "/guarded", {"User-Agent": "everywhere"}).status == 403
