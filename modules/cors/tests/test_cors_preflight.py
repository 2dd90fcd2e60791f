"""Preflight requests are answered by the module, before routing, as rs/cors answers them."""

from __future__ import annotations

from typing import Any

import pytest
from propylon.sdk.testing import send
from propylon_cors import module as cors

PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
ALLOW = ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods")


def config(backend_url: str, **options: Any) -> dict[str, Any]:
    return {
        "extra_config": {"security/cors": options},
        "endpoints": [
            {
                "endpoint": "/items/{id}",
                "backend": [{"host": [backend_url], "url_pattern": "/items/{id}"}],
            }
        ],
    }


@pytest.fixture
def krakend_like(gateway, backend) -> tuple[str, Any]:
    """The CORS options of KrakenD CE's integration configuration."""
    served, url = backend
    options = {
        "allow_origins": ["*"],
        "allow_methods": ["POST", "GET"],
        "allow_headers": ["Origin", "Authorization", "Content-Type"],
        "expose_headers": ["Content-Length"],
        "max_age": "12h",
    }
    return gateway(config(url, **options), cors), served


def preflight(method: str, headers: str | None = None, origin: str = "http://foo.example"):
    out = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        out["Access-Control-Request-Headers"] = headers
    return out


def test_allowed_preflight_is_answered_before_the_backend(krakend_like):
    url, served = krakend_like
    reply = send("OPTIONS", url + "/items/1?a=1", preflight("GET", "content-type,origin"))
    assert reply.status == 204
    assert reply.body == b""
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert reply.headers["Access-Control-Allow-Methods"] == "GET"
    assert reply.headers["Access-Control-Allow-Headers"] == "content-type,origin"
    assert reply.headers["Access-Control-Max-Age"] == "43200"
    assert reply.headers["Vary"] == PREFLIGHT_VARY
    assert "Content-Type" not in reply.headers
    assert "Access-Control-Allow-Credentials" not in reply.headers
    assert served.hits == 0


def test_preflight_on_a_path_without_endpoint_is_answered_too(krakend_like):
    url, _ = krakend_like
    reply = send("OPTIONS", url + "/nowhere", preflight("POST"))
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Methods"] == "POST"
    assert "Access-Control-Allow-Headers" not in reply.headers


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("PUT", None),  # method not allowed
        ("POST", "X-PINGOTHER"),  # not what a browser sends: names are lower-cased
        ("GET", "x-pingother"),  # header not allowed
        ("GET", "origin,content-type"),  # not sorted
        ("GET", "origin,origin"),  # duplicated
        ("get", None),  # methods are case-sensitive
    ],
)
def test_refused_preflight_gets_204_without_allow_headers(krakend_like, method, headers):
    url, served = krakend_like
    reply = send("OPTIONS", url + "/items/1", preflight(method, headers))
    assert reply.status == 204
    assert reply.headers["Vary"] == PREFLIGHT_VARY
    for name in (*ALLOW, "Access-Control-Allow-Headers", "Access-Control-Max-Age"):
        assert name not in reply.headers
    assert served.hits == 0


def test_requested_headers_tolerate_optional_whitespace(krakend_like):
    url, _ = krakend_like
    reply = send("OPTIONS", url + "/items/1", preflight("GET", "authorization, content-type"))
    assert reply.headers["Access-Control-Allow-Headers"] == "authorization, content-type"


def test_preflight_without_origin_is_refused(krakend_like):
    url, _ = krakend_like
    reply = send("OPTIONS", url + "/items/1", {"Access-Control-Request-Method": "GET"})
    assert reply.status == 204
    assert "Access-Control-Allow-Origin" not in reply.headers


def test_listed_origins_are_echoed_and_others_refused(gateway, backend):
    _, backend_url = backend
    options = {
        "allow_origins": ["https://app.example.com", "https://*.example.org"],
        "allow_methods": ["GET"],
        "allow_credentials": True,
    }
    url = gateway(config(backend_url, **options), cors)
    for origin in ("https://APP.example.com", "https://eu.api.example.org"):
        reply = send("OPTIONS", url + "/items/1", preflight("GET", origin=origin))
        assert reply.headers["Access-Control-Allow-Origin"] == origin
        assert reply.headers["Access-Control-Allow-Credentials"] == "true"
    for origin in ("https://example.org", "https://evil.example.com"):
        reply = send("OPTIONS", url + "/items/1", preflight("GET", origin=origin))
        assert "Access-Control-Allow-Origin" not in reply.headers


def test_any_header_is_echoed_as_sent_when_allow_headers_is_empty(gateway, backend):
    _, backend_url = backend
    url = gateway(config(backend_url, allow_methods=["GET"]), cors)
    reply = send("OPTIONS", url + "/items/1", preflight("GET", "X-Custom, X-Other"))
    assert reply.headers["Access-Control-Allow-Headers"] == "X-Custom, X-Other"


def test_simple_methods_are_the_default(gateway, backend):
    _, backend_url = backend
    url = gateway(config(backend_url), cors)
    assert send("OPTIONS", url + "/i", preflight("HEAD")).headers.get(ALLOW[1]) == "HEAD"
    assert ALLOW[1] not in send("OPTIONS", url + "/i", preflight("DELETE")).headers


def test_options_success_status(gateway, backend):
    _, backend_url = backend
    url = gateway(config(backend_url, options_success_status=200), cors)
    assert send("OPTIONS", url + "/items/1", preflight("GET")).status == 200


def test_options_passthrough_lets_the_router_answer(gateway, backend):
    _, backend_url = backend
    url = gateway(config(backend_url, options_passthrough=True), cors)
    reply = send("OPTIONS", url + "/items/1", preflight("GET", "content-type"))
    assert reply.status != 204  # the router has no OPTIONS endpoint
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert reply.headers["Access-Control-Allow-Headers"] == "content-type"
    assert reply.headers["Vary"] == PREFLIGHT_VARY


def test_plain_options_is_not_a_preflight(krakend_like):
    url, _ = krakend_like
    reply = send("OPTIONS", url + "/items/1", {"Origin": "http://foo.example"})
    assert reply.status != 204
    assert reply.headers["Vary"] == "Origin"
