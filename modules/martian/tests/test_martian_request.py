"""Request modifiers and filters: what the backend receives."""

from __future__ import annotations

import base64
import uuid

import pytest
from martian_support import BOTH, REQ, RES, Backend, endpoint, mod, start
from propylon.sdk.testing import Servers, send


def header_filter(name: str, value: str, then: dict, otherwise: dict | None = None) -> dict:
    fields = {"name": name, "value": value, "modifier": then}
    if otherwise is not None:
        fields["else"] = otherwise
    return mod("header.Filter", REQ, **fields)


@pytest.fixture(scope="module")
def url(servers: Servers, backend: Backend, other: Backend) -> str:
    host = backend.url
    mark = mod("header.Modifier", REQ, name="X-Matched", value="yes")
    unmark = mod("header.Modifier", REQ, name="X-Matched", value="no")
    body = base64.b64encode(b"a=1&b=2").decode()
    endpoints = [
        endpoint(
            "/set",
            host,
            mod("header.Modifier", REQ, name="x-martian", value="ouh yeah!"),
            input_headers=["X-Martian"],
        ),
        endpoint("/host", host, mod("header.Modifier", REQ, name="Host", value="api.example.com")),
        endpoint(
            "/append",
            host,
            mod("header.Append", REQ, name="X-Tag", value="gw"),
            input_headers=["X-Tag"],
        ),
        endpoint(
            "/blacklist",
            host,
            mod("header.Blacklist", REQ, names=["X-Drop", "User-Agent"]),
            input_headers=["X-Drop", "X-Keep"],
        ),
        endpoint(
            "/copy",
            host,
            mod("header.Copy", REQ, **{"from": "X-From", "to": "X-To"}),
            input_headers=["X-From"],
        ),
        endpoint("/id", host, mod("header.Id", REQ)),
        endpoint(
            "/id-named",
            host,
            mod("header.Id", REQ, header="X-Request-Id"),
            input_headers=["X-Request-Id"],
        ),
        endpoint(
            "/hfilter", host, header_filter("X-Env", "prod", mark, unmark), input_headers=["X-Env"]
        ),
        endpoint(
            "/hregex",
            host,
            mod("header.RegexFilter", REQ, header="X-Neptunian", regex="^no!?$", modifier=mark),
            input_headers=["X-Neptunian"],
        ),
        endpoint(
            "/query",
            host,
            mod("querystring.Modifier", REQ, name="api key", value="k&1"),
            input_query_strings=["z", "a"],
        ),
        endpoint(
            "/qfilter",
            host,
            mod(
                "querystring.Filter", REQ, name="debug", value="", modifier=mark, **{"else": unmark}
            ),
            input_query_strings=["debug"],
        ),
        endpoint(
            "/body",
            host,
            mod("body.Modifier", REQ, body=body, contentType="application/x-www-form-urlencoded"),
            method="POST",
        ),
        endpoint(
            "/cookie",
            host,
            mod("cookie.Modifier", REQ, name="gw", value="1"),
            input_headers=["Cookie"],
        ),
        endpoint(
            "/cfilter",
            host,
            mod("cookie.Filter", REQ, name="beta", value="on", modifier=mark, **{"else": unmark}),
            input_headers=["Cookie"],
        ),
        endpoint("/url", host, mod("url.Modifier", REQ, path="/elsewhere", query="x=1")),
        endpoint("/url-host", host, mod("url.Modifier", REQ, host=other.url.split("//")[1])),
        endpoint(
            "/ufilter/{which}",
            host,
            mod("url.Filter", REQ, path="/b/match", modifier=mark, **{"else": unmark}),
            url_pattern="/b/{which}",
        ),
        endpoint(
            "/uregex/{which}",
            host,
            mod("url.RegexFilter", REQ, regex=r"/b/\d+$", modifier=mark, **{"else": unmark}),
            url_pattern="/b/{which}",
        ),
        endpoint("/port", host, mod("port.Modifier", REQ, port=other.port)),
        endpoint("/pfilter", host, mod("port.Filter", REQ, port=backend.port, modifier=mark)),
        endpoint("/pfilter-other", host, mod("port.Filter", REQ, port=1, modifier=mark)),
        endpoint(
            "/stash",
            host,
            mod("stash.Modifier", REQ, headerName="X-Stash"),
            input_query_strings=["q"],
        ),
        endpoint("/response-only", host, mod("header.Modifier", RES, name="X-Martian", value="1")),
        endpoint("/no-scope", host, {"header.Modifier": {"name": "X-Martian", "value": "1"}}),
        endpoint("/empty-scope", host, mod("header.Modifier", [], name="X-Martian", value="1")),
        endpoint("/both", host, mod("header.Modifier", BOTH, name="X-Martian", value="1")),
    ]
    return start(servers, endpoints)


def test_header_modifier_sets_and_replaces(url: str, backend: Backend) -> None:
    assert send("GET", url + "/set", {"X-Martian": "client"}).status == 200
    assert backend.last.headers.getall("X-Martian") == ["ouh yeah!"]


def test_host_header_is_the_request_host(url: str, backend: Backend) -> None:
    assert send("GET", url + "/host").status == 200
    assert backend.last.headers["Host"] == "api.example.com"


def test_append_adds_a_value(url: str, backend: Backend) -> None:
    send("GET", url + "/append", {"X-Tag": "client"})
    assert backend.last.headers.getall("X-Tag") == ["client", "gw"]


def test_blacklist_removes_headers(url: str, backend: Backend) -> None:
    send("GET", url + "/blacklist", {"X-Drop": "1", "X-Keep": "2"})
    headers = backend.last.headers
    assert "X-Drop" not in headers and "User-Agent" not in headers
    assert headers["X-Keep"] == "2"


def test_copy(url: str, backend: Backend) -> None:
    send("GET", url + "/copy", {"X-From": "v"})
    assert backend.last.headers["X-To"] == "v" and backend.last.headers["X-From"] == "v"
    send("GET", url + "/copy")
    assert backend.last.headers["X-To"] == ""  # from an absent header: empty, as martian


def test_header_id(url: str, backend: Backend) -> None:
    send("GET", url + "/id")
    first = uuid.UUID(backend.last.headers["X-Krakend-Id"])
    send("GET", url + "/id")
    assert uuid.UUID(backend.last.headers["X-Krakend-Id"]) != first
    send("GET", url + "/id-named", {"X-Request-Id": "mine"})
    assert backend.last.headers["X-Request-Id"] == "mine"  # kept when present
    send("GET", url + "/id-named")
    assert uuid.UUID(backend.last.headers["X-Request-Id"])


def test_header_filter_and_else(url: str, backend: Backend) -> None:
    send("GET", url + "/hfilter", {"X-Env": "prod"})
    assert backend.last.headers["X-Matched"] == "yes"
    send("GET", url + "/hfilter", {"X-Env": "dev"})
    assert backend.last.headers["X-Matched"] == "no"


def test_header_regex_filter(url: str, backend: Backend) -> None:
    send("GET", url + "/hregex", {"X-Neptunian": "no!"})
    assert backend.last.headers["X-Matched"] == "yes"
    send("GET", url + "/hregex", {"X-Neptunian": "yes"})
    assert "X-Matched" not in backend.last.headers
    send("GET", url + "/hregex")
    assert "X-Matched" not in backend.last.headers


def test_querystring_modifier_encodes_as_go(url: str, backend: Backend) -> None:
    send("GET", url + "/query?z=2&a=1")
    assert backend.last.raw_path == "/b?a=1&api+key=k%261&z=2"


def test_querystring_filter(url: str, backend: Backend) -> None:
    send("GET", url + "/qfilter?debug=1")
    assert backend.last.headers["X-Matched"] == "yes"
    send("GET", url + "/qfilter")
    assert backend.last.headers["X-Matched"] == "no"


def test_body_modifier(url: str, backend: Backend) -> None:
    send("POST", url + "/body", {"Content-Type": "application/json"}, body=b'{"x": 1}')
    assert backend.last.body == b"a=1&b=2"
    assert backend.last.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_cookie_modifier_and_filter(url: str, backend: Backend) -> None:
    send("GET", url + "/cookie", {"Cookie": "a=b"})
    assert backend.last.headers["Cookie"] == "a=b; gw=1"
    send("GET", url + "/cfilter", {"Cookie": "x=1; beta=on"})
    assert backend.last.headers["X-Matched"] == "yes"
    send("GET", url + "/cfilter", {"Cookie": "beta=off"})
    assert backend.last.headers["X-Matched"] == "no"


def test_url_modifier(url: str, backend: Backend, other: Backend) -> None:
    send("GET", url + "/url")
    assert backend.last.raw_path == "/elsewhere?x=1"
    hits = backend.served.hits
    assert send("GET", url + "/url-host").status == 200
    assert backend.served.hits == hits and other.last.path == "/b"


def test_url_filters(url: str, backend: Backend) -> None:
    send("GET", url + "/ufilter/match")
    assert backend.last.headers["X-Matched"] == "yes"
    send("GET", url + "/ufilter/other")
    assert backend.last.headers["X-Matched"] == "no"
    send("GET", url + "/uregex/42")
    assert backend.last.headers["X-Matched"] == "yes"
    send("GET", url + "/uregex/abc")
    assert backend.last.headers["X-Matched"] == "no"


def test_port_modifier_sends_elsewhere_keeping_the_host(
    backend: Backend, other: Backend, url: str
) -> None:
    hits = backend.served.hits
    assert send("GET", url + "/port").status == 200
    assert backend.served.hits == hits
    assert other.last.headers["Host"] == backend.url.split("//")[1]  # Go keeps Request.Host


def test_port_filter(url: str, backend: Backend) -> None:
    send("GET", url + "/pfilter")
    assert backend.last.headers["X-Matched"] == "yes"
    send("GET", url + "/pfilter-other")
    assert "X-Matched" not in backend.last.headers


def test_stash_holds_the_url(url: str, backend: Backend) -> None:
    send("GET", url + "/stash?q=1")
    assert backend.last.headers["X-Stash"] == f"{backend.url}/b?q=1"


@pytest.mark.parametrize(
    ("path", "applied"),
    [("/response-only", False), ("/no-scope", True), ("/empty-scope", False), ("/both", True)],
)
def test_scope(url: str, backend: Backend, path: str, applied: bool) -> None:
    send("GET", url + path)
    assert ("X-Martian" in backend.last.headers) is applied
