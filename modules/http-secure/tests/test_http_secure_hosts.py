"""``allowed_hosts``: a request for another host is refused before anything else runs."""

from __future__ import annotations

import pytest
from propylon.sdk.testing import send

HOSTS = {"allowed_hosts": ["api.example.com", "api.example.com:8080"], "frame_deny": True}


def test_an_allowed_host_passes(gateway, backend):
    served, _ = backend
    url = gateway(HOSTS)
    for host in ("api.example.com", "API.Example.COM", "api.example.com:8080"):
        reply = send("GET", url + "/items/1", {"Host": host})
        assert reply.status == 200, host
        assert reply.headers["X-Frame-Options"] == "DENY"
    assert served.hits == 3


@pytest.mark.parametrize("host", ["evil.example.com", "api.example.com:9090", "api.example.co"])
def test_another_host_is_refused_before_the_backend(gateway, backend, host):
    served, _ = backend
    url = gateway(HOSTS)
    reply = send("POST", url + "/items/1", {"Host": host}, body=b"{}")
    assert reply.status == 500
    assert reply.body == b"Bad Host\n"
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in reply.headers
    assert served.hits == 0


def test_a_path_without_endpoint_is_refused_too(gateway):
    reply = send("GET", gateway(HOSTS) + "/nowhere", {"Host": "evil.example.com"})
    assert reply.status == 500


def test_host_proxy_headers_name_the_host(gateway, backend):
    served, _ = backend
    url = gateway({**HOSTS, "host_proxy_headers": ["X-Forwarded-Host", "X-Original-Host"]})
    proxied = {"Host": "10.0.0.7", "X-Forwarded-Host": "api.example.com"}
    assert send("GET", url + "/items/1", proxied).status == 200
    second = {"Host": "10.0.0.7", "X-Original-Host": "api.example.com"}
    assert send("GET", url + "/items/1", second).status == 200
    # The first header present wins, even when the Host itself is allowed.
    spoofed = {"Host": "api.example.com", "X-Forwarded-Host": "evil.example.com"}
    assert send("GET", url + "/items/1", spoofed).status == 500
    assert served.hits == 2


def test_regular_expressions_are_anchored(gateway):
    options = {"allowed_hosts": [r"[a-z]+\.example\.com"], "allowed_hosts_are_regex": True}
    url = gateway(options)
    assert send("GET", url + "/items/1", {"Host": "eu.example.com"}).status == 200
    for host in ("eu.example.com.evil.org", "x.eu.example.com", "EU.example.com"):
        assert send("GET", url + "/items/1", {"Host": host}).status == 500, host


def test_is_development_allows_every_host(gateway):
    url = gateway({**HOSTS, "is_development": True})
    reply = send("GET", url + "/items/1", {"Host": "localhost"})
    assert reply.status == 200
    assert reply.headers["X-Frame-Options"] == "DENY"
