"""The security headers: which ones, with which values, on which responses."""

from __future__ import annotations

import re

import pytest
from propylon.sdk.testing import send

SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "X-XSS-Protection",
    "Content-Security-Policy",
    "Referrer-Policy",
)
EVERY_HEADER = {
    "frame_deny": True,
    "content_type_nosniff": True,
    "browser_xss_filter": True,
    "content_security_policy": "default-src 'self'",
    "referrer_policy": "same-origin",
}


@pytest.mark.parametrize(
    ("options", "header", "value"),
    [
        ({"frame_deny": True}, "X-Frame-Options", "DENY"),
        ({"custom_frame_options_value": "SAMEORIGIN"}, "X-Frame-Options", "SAMEORIGIN"),
        (
            {"frame_deny": True, "custom_frame_options_value": "ALLOW-FROM https://a.example"},
            "X-Frame-Options",
            "ALLOW-FROM https://a.example",
        ),
        ({"content_type_nosniff": True}, "X-Content-Type-Options", "nosniff"),
        ({"browser_xss_filter": True}, "X-XSS-Protection", "1; mode=block"),
        (
            {"content_security_policy": "default-src 'self'"},
            "Content-Security-Policy",
            "default-src 'self'",
        ),
        ({"referrer_policy": "no-referrer"}, "Referrer-Policy", "no-referrer"),
    ],
)
def test_each_header(gateway, options, header, value):
    url = gateway(options)
    reply = send("GET", url + "/items/1")
    assert reply.status == 200
    assert reply.headers.get_all(header) == [value]
    others = [h for h in SECURITY_HEADERS if h != header]
    assert [h for h in others if h in reply.headers] == []


def test_nothing_is_added_by_default(gateway):
    reply = send("GET", gateway({}) + "/items/1")
    assert [h for h in SECURITY_HEADERS if h in reply.headers] == []


def test_sts_is_not_sent_over_plain_http(gateway):
    url = gateway({"sts_seconds": 31536000, "sts_include_subdomains": True})
    assert "Strict-Transport-Security" not in send("GET", url + "/items/1").headers


def test_sts_behind_a_proxy_that_says_https(gateway):
    options = {
        "sts_seconds": 31536000,
        "sts_include_subdomains": True,
        "ssl_proxy_headers": {"X-Forwarded-Proto": "https"},
    }
    url = gateway(options)
    reply = send("GET", url + "/items/1", {"X-Forwarded-Proto": "https"})
    assert reply.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # The value must be exactly the configured one.
    reply = send("GET", url + "/items/1", {"X-Forwarded-Proto": "HTTPS"})
    assert "Strict-Transport-Security" not in reply.headers


def test_force_sts_header(gateway):
    url = gateway({"sts_seconds": 600, "force_sts_header": True})
    assert send("GET", url + "/items/1").headers["Strict-Transport-Security"] == "max-age=600"


def test_is_development_drops_sts_only(gateway):
    url = gateway(
        {"sts_seconds": 600, "force_sts_header": True, "is_development": True, **EVERY_HEADER}
    )
    reply = send("GET", url + "/items/1")
    assert "Strict-Transport-Security" not in reply.headers
    assert reply.headers["X-Frame-Options"] == "DENY"


def test_csp_nonce_is_new_for_each_response(gateway):
    url = gateway({"content_security_policy": "script-src $NONCE 'strict-dynamic'"})
    policies = [send("GET", url + "/items/1").headers["Content-Security-Policy"] for _ in "ab"]
    nonces = []
    for policy in policies:
        found = re.fullmatch(r"script-src 'nonce-([A-Za-z0-9+/]{22})' 'strict-dynamic'", policy)
        assert found, policy
        nonces.append(found.group(1))
    assert nonces[0] != nonces[1]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nowhere", 404),
        ("DELETE", "/items/1", 405),
        ("GET", "/broken", 500),
        ("GET", "/__health", 200),
    ],
)
def test_error_and_system_responses_get_the_headers_too(gateway, method, path, status):
    url = gateway(EVERY_HEADER)
    reply = send(method, url + path)
    assert reply.status == status
    for header in SECURITY_HEADERS[1:]:
        assert header in reply.headers, header


def test_a_backend_value_comes_after_the_module_value(gateway):
    url = gateway({"frame_deny": True})
    reply = send("GET", url + "/framed")
    assert reply.status == 200
    assert reply.headers.get_all("X-Frame-Options") == ["DENY", "SAMEORIGIN"]


def test_the_backend_sees_nothing_of_it(gateway, backend):
    served, _ = backend
    url = gateway(EVERY_HEADER)
    send("GET", url + "/items/1")
    (seen,) = served.requests
    assert [h for h in SECURITY_HEADERS if h in seen.headers] == []
