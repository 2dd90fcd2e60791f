"""Response modifiers: they see the backend's response as it came back, before its status is
checked and its body decoded (headers reach the client with the no-op encoding)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from martian_support import BOTH, REQ, RES, Backend, endpoint, mod, start
from propylon.sdk.testing import Servers, send

NEW_BODY = b'{"msg":"you rock!"}'


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static")
    (root / "health.json").write_text('{"status":"ok"}')
    (root / "b").mkdir()
    (root / "b" / "file.txt").write_text("0123456789")
    return root


@pytest.fixture(scope="module")
def url(servers: Servers, backend: Backend, static_root: Path) -> str:
    host = backend.url
    mark = mod("header.Modifier", RES, name="X-Matched", value="yes")
    unmark = mod("header.Modifier", RES, name="X-Matched", value="no")
    body = base64.b64encode(NEW_BODY).decode()
    static = mod(
        "static.Modifier", BOTH, rootPath=str(static_root), explicitPaths={"/": "/health.json"}
    )
    endpoints = [
        endpoint(
            "/set", host, mod("header.Modifier", RES, name="X-Backend", value="gw"), no_op=True
        ),
        endpoint(
            "/append", host, mod("header.Append", RES, name="X-Backend", value="gw"), no_op=True
        ),
        endpoint("/blacklist", host, mod("header.Blacklist", RES, names=["X-Secret"]), no_op=True),
        endpoint(
            "/copy",
            host,
            mod("header.Copy", RES, **{"from": "X-Backend", "to": "X-Copy"}),
            no_op=True,
        ),
        endpoint(
            "/hfilter",
            host,
            mod("header.Filter", RES, name="X-Backend", value="yes", modifier=mark),
            no_op=True,
        ),
        endpoint(
            "/hregex",
            host,
            mod("header.RegexFilter", RES, header="X-Client", regex="^v[0-9]", modifier=mark),
            no_op=True,
            input_headers=["X-Client"],
        ),
        endpoint(
            "/qfilter",
            host,
            mod("querystring.Filter", RES, name="mark", modifier=mark, **{"else": unmark}),
            no_op=True,
            input_query_strings=["mark"],
        ),
        endpoint("/status", host, mod("status.Modifier", RES, statusCode=201), no_op=True),
        endpoint(
            "/rescue",
            host,
            mod("status.Modifier", RES, statusCode=200),
            url_pattern="/b?status=500",
        ),
        endpoint(
            "/body", host, mod("body.Modifier", RES, body=body, contentType="application/json")
        ),
        endpoint(
            "/body-raw",
            host,
            mod("body.Modifier", RES, body=body, contentType="text/plain"),
            no_op=True,
            input_headers=["Range"],
        ),
        endpoint(
            "/cookie",
            host,
            mod(
                "cookie.Modifier",
                RES,
                name="gw",
                value="a b",
                path="/x",
                domain=".example.com",
                expires="2030-01-02T03:04:05Z",
                maxAge=60,
                httpOnly=True,
                secure=True,
            ),
            no_op=True,
        ),
        endpoint(
            "/cfilter",
            host,
            mod("cookie.Filter", RES, name="session", modifier=mark, **{"else": unmark}),
            no_op=True,
            url_pattern="/b?cookie=1",
        ),
        endpoint("/stash", host, mod("stash.Modifier", BOTH, headerName="X-Stash"), no_op=True),
        endpoint(
            "/request-only",
            host,
            mod("header.Modifier", REQ, name="X-Backend", value="gw"),
            no_op=True,
        ),
        endpoint(
            "/static/{file}",
            "http://127.0.0.1:1",
            static,
            url_pattern="/b/{file}",
            no_op=True,
            input_headers=["Range"],
        ),
        endpoint("/health", "http://127.0.0.1:1", static, url_pattern="/"),
    ]
    return start(servers, endpoints)


def test_header_modifier_on_the_response(url: str) -> None:
    assert send("GET", url + "/set").headers.get_all("X-Backend") == ["gw"]


def test_append_blacklist_copy(url: str) -> None:
    assert send("GET", url + "/append").headers.get_all("X-Backend") == ["yes", "gw"]
    reply = send("GET", url + "/blacklist")
    assert reply.headers["X-Secret"] is None and reply.headers["X-Backend"] == "yes"
    assert send("GET", url + "/copy").headers["X-Copy"] == "yes"


def test_filters_on_the_response(url: str) -> None:
    assert send("GET", url + "/hfilter").headers["X-Matched"] == "yes"
    # header.RegexFilter reads the header of the request behind the response
    assert send("GET", url + "/hregex", {"X-Client": "v2"}).headers["X-Matched"] == "yes"
    assert send("GET", url + "/hregex", {"X-Client": "x"}).headers["X-Matched"] is None
    assert send("GET", url + "/qfilter?mark=1").headers["X-Matched"] == "yes"
    assert send("GET", url + "/qfilter").headers["X-Matched"] == "no"
    assert send("GET", url + "/cfilter").headers["X-Matched"] == "yes"


def test_status_modifier_acts_before_the_status_check(url: str) -> None:
    assert send("GET", url + "/status").status == 201
    reply = send("GET", url + "/rescue")  # the backend answers 500: changed to 200, decoded
    assert reply.status == 200 and reply.json() == {"ok": True, "path": "/b"}


def test_body_modifier_replaces_the_body_before_decoding(url: str) -> None:
    assert send("GET", url + "/body").json() == {"msg": "you rock!"}
    reply = send("GET", url + "/body-raw")
    assert reply.body == NEW_BODY and reply.headers["Content-Type"] == "text/plain"


def test_body_modifier_honours_ranges(url: str) -> None:
    reply = send("GET", url + "/body-raw", {"Range": "bytes=2-4"})
    assert (reply.status, reply.body) == (206, NEW_BODY[2:5])
    assert reply.headers["Content-Range"] == f"bytes 2-4/{len(NEW_BODY)}"
    reply = send("GET", url + "/body-raw", {"Range": "bytes=0-1,3-"})
    assert reply.status == 206
    assert reply.headers["Content-Type"].startswith("multipart/byteranges; boundary=")
    assert b"Content-Range: bytes 0-1/19" in reply.body and NEW_BODY[3:] in reply.body
    assert send("GET", url + "/body-raw", {"Range": "bytes=5-2"}).status == 416


def test_cookie_modifier_sets_a_cookie(url: str) -> None:
    assert send("GET", url + "/cookie").headers["Set-Cookie"] == (
        'gw="a b"; Path=/x; Domain=example.com; Expires=Wed, 02 Jan 2030 03:04:05 GMT; '
        "Max-Age=60; HttpOnly; Secure"
    )


def test_stash_on_both_scopes(url: str, backend: Backend) -> None:
    assert send("GET", url + "/stash").headers["X-Stash"] == f"{backend.url}/b"


def test_request_scope_leaves_the_response(url: str) -> None:
    assert send("GET", url + "/request-only").headers["X-Backend"] == "yes"


def test_static_serves_files_without_calling_the_backend(url: str) -> None:
    reply = send("GET", url + "/static/file.txt")
    assert (reply.status, reply.body) == (200, b"0123456789")
    assert reply.headers["Content-Type"] == "text/plain"
    assert send("GET", url + "/static/file.txt", {"Range": "bytes=3-5"}).body == b"345"
    assert send("GET", url + "/static/absent.txt").status == 404
    assert send("GET", url + "/health").json() == {"status": "ok"}
