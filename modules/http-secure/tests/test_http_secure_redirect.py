"""``ssl_redirect``: plain-HTTP requests are sent to HTTPS with a 301, as Go redirects."""

from __future__ import annotations

from propylon.sdk.testing import send

PROXY = {"X-Forwarded-Proto": "https"}
REDIRECT = {
    "ssl_redirect": True,
    "ssl_proxy_headers": PROXY,
    "sts_seconds": 300,
    "frame_deny": True,
}


def test_plain_http_is_redirected_before_the_backend(gateway, backend):
    served, _ = backend
    url = gateway(REDIRECT)
    reply = send("GET", url + "/items/1?a=1&b=%20", {"Host": "api.example.com"})
    assert reply.status == 301
    location = "https://api.example.com/items/1?a=1&b=%20"
    assert reply.headers["Location"] == location
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert (
        reply.text
        == '<a href="https://api.example.com/items/1?a=1&amp;b=%20">Moved Permanently</a>.\n\n'
    )
    assert "Strict-Transport-Security" not in reply.headers
    assert "X-Frame-Options" not in reply.headers
    assert served.hits == 0


def test_other_methods_get_no_body(gateway):
    url = gateway(REDIRECT)
    reply = send("POST", url + "/items/1", {"Host": "api.example.com"}, body=b"{}")
    assert reply.status == 301
    assert reply.body == b""
    assert "Content-Type" not in reply.headers
    head = send("HEAD", url + "/items/1", {"Host": "api.example.com"})
    assert head.status == 301
    assert head.headers["Content-Type"] == "text/html; charset=utf-8"


def test_behind_a_proxy_that_says_https(gateway, backend):
    served, _ = backend
    url = gateway(REDIRECT)
    reply = send("GET", url + "/items/1", {"Host": "api.example.com", **PROXY})
    assert reply.status == 200
    assert reply.headers["Strict-Transport-Security"] == "max-age=300"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert served.hits == 1


def test_without_proxy_headers_every_request_is_redirected(gateway):
    url = gateway({"ssl_redirect": True})
    reply = send("GET", url + "/items/1", {"Host": "api.example.com", **PROXY})
    assert reply.status == 301


def test_ssl_host(gateway):
    url = gateway({**REDIRECT, "ssl_host": "secure.example.com:8443"})
    reply = send("GET", url + "/items/1", {"Host": "api.example.com"})
    assert reply.headers["Location"] == "https://secure.example.com:8443/items/1"


def test_the_proxied_host_is_kept(gateway):
    url = gateway({**REDIRECT, "host_proxy_headers": ["X-Forwarded-Host"]})
    headers = {"Host": "10.0.0.7:8080", "X-Forwarded-Host": "api.example.com"}
    reply = send("GET", url + "/items/1", headers)
    assert reply.headers["Location"] == "https://api.example.com/items/1"


def test_a_bad_host_is_refused_before_it_is_redirected(gateway):
    url = gateway({**REDIRECT, "allowed_hosts": ["api.example.com"]})
    assert send("GET", url + "/items/1", {"Host": "evil.example.com"}).status == 500


def test_is_development_does_not_redirect(gateway):
    url = gateway({**REDIRECT, "is_development": True})
    reply = send("GET", url + "/items/1", {"Host": "api.example.com"})
    assert reply.status == 200
    assert "Strict-Transport-Security" not in reply.headers
