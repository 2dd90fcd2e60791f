"""Actual (simple) cross-origin requests: the endpoint answers, CORS headers are added."""

from __future__ import annotations

from typing import Any

import pytest
from propylon.sdk.testing import send
from propylon_cors import module as cors

OPTIONS = {
    "allow_origins": ["*"],
    "allow_methods": ["POST", "GET"],
    "expose_headers": ["content-length", "x-request-id"],
}


def config(backend_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "extra_config": {"security/cors": OPTIONS, **extra},
        "endpoints": [
            {
                "endpoint": "/items/{id}",
                "method": method,
                "backend": [{"host": [backend_url], "url_pattern": "/items/{id}"}],
            }
            for method in ("GET", "PUT")
        ],
    }


@pytest.fixture
def url(gateway, backend) -> str:
    return gateway(config(backend[1]), cors)


def test_allowed_origin_gets_origin_and_exposed_headers(url):
    reply = send("GET", url + "/items/1", {"Origin": "http://foo.example.tld"})
    assert reply.status == 200
    assert reply.body == b'{"ok":true}'  # the backend's answer
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert reply.headers["Access-Control-Expose-Headers"] == "Content-Length, X-Request-Id"
    assert reply.headers.get_all("Vary") == ["Origin"]
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"


def test_without_origin_only_vary_is_added(url):
    reply = send("GET", url + "/items/1")
    assert reply.status == 200
    assert reply.headers.get_all("Vary") == ["Origin"]
    assert "Access-Control-Allow-Origin" not in reply.headers


def test_method_not_allowed_by_cors_gets_no_allow_origin(url):
    reply = send("PUT", url + "/items/1", {"Origin": "http://foo.example.tld"})
    assert reply.status == 200  # CORS does not block: the browser does
    assert "Access-Control-Allow-Origin" not in reply.headers


def test_gateway_errors_carry_cors_headers(url):
    reply = send("GET", url + "/missing", {"Origin": "http://foo.example.tld"})
    assert reply.status == 404
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_runs_outside_the_bot_detector(gateway, backend):
    bot_detector = pytest.importorskip("propylon_bot_detector").module
    detector = {"security/bot-detector": {"deny": ["badbot"]}}
    # Whatever the registry order, CORS is the outermost middleware.
    for modules in ((cors, bot_detector), (bot_detector, cors)):
        url = gateway(config(backend[1], **detector), *modules)
        preflight = {
            "User-Agent": "badbot",
            "Origin": "http://foo.example",
            "Access-Control-Request-Method": "GET",
        }
        reply = send("OPTIONS", url + "/items/1", preflight)
        assert reply.status == 204
        assert reply.headers["Access-Control-Allow-Methods"] == "GET"
        reply = send("GET", url + "/items/1", {"User-Agent": "badbot", "Origin": "http://x"})
        assert reply.status == 403
        assert reply.headers["Access-Control-Allow-Origin"] == "*"
        assert reply.headers.get_all("Vary") == ["Origin"]
