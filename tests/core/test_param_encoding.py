"""Path params become data in the backend URL: never a path climb, never an added query parameter.

A real gateway in front of a backend that records the request target exactly as it arrived
on the wire. Every case says whether the gateway refuses the request (400, no backend call)
or forwards it with the value encoded, and what the backend then received.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from propylon.proxy.request import InvalidParamError, compile_pattern

from .cfg import backend, endpoint, service

# What the first backend of the sequential endpoint answers, by key.
NEXT = {"ok": "7", "dots": "..", "slash": "../admin", "backslash": "..\\admin", "crlf": "a\r\nb"}


async def record(request: web.Request) -> web.Response:
    """The request target as it arrived (undecoded), and the query as a list of pairs."""
    pairs = [[k, v] for k, v in request.query.items()]
    return web.json_response({"target": request.raw_path, "pairs": pairs})


async def next_value(request: web.Request) -> web.Response:
    return web.json_response({"next": NEXT[request.match_info["key"]]})


@pytest.fixture(scope="module")
def recorder(module_servers: Any) -> str:
    app = web.Application()
    app.router.add_get("/api/next/{key}", next_value)
    app.router.add_route("*", r"/{tail:[\s\S]*}", record)  # newlines too
    return module_servers.start(app)


def endpoints(host: str) -> list[dict[str, Any]]:
    return [
        endpoint("/users/{id}", backend(host, "/api/users/{id}")),
        endpoint("/files/{name}", backend(host, "/api/files/{name}.json")),
        endpoint("/search/{term}", backend(host, "/search?term={term}&role=user")),
        endpoint("/fwd/{id}", backend(host, "/api/fwd/{id}"), input_query_strings=["q", "x"]),
        endpoint(
            "/seq/{key}",
            backend(host, "/api/next/{key}"),
            backend(host, "/api/items/{resp0_next}"),
            extra_config={"proxy": {"sequential": True}},
        ),
    ]


@pytest.fixture
def gateway(serve: Any, recorder: str) -> str:
    """KrakenD's default router: still-encoded params, '?' and '#' are refused."""
    return serve(service(*endpoints(recorder), extra_config={"router": {"return_error_msg": True}}))


@pytest.fixture
def no_decoding_check(serve: Any, recorder: str) -> str:
    """``router.disable_path_decoding``: such params are forwarded, encoded once more."""
    options = {"disable_path_decoding": True, "return_error_msg": True}
    return serve(service(*endpoints(recorder), extra_config={"router": options}))


REFUSED = "refused"

# (request path, what the backend receives: its request target, or REFUSED)
DEFAULT_CASES = [
    # the reported climb: '%2F' would split the segment; refused, never '../' in the path
    ("/users/..%2f..%2fadmin%2findex.json", REFUSED),
    ("/users/a%2Fb", REFUSED),
    # dot segments, plain or encoded: refused (an encoded dot is still a dot to normalisers)
    ("/users/..", REFUSED),
    ("/users/%2e%2e", REFUSED),
    ("/users/.%2E", REFUSED),
    ("/users/.", REFUSED),
    ("/users/%2E", REFUSED),
    # a backslash, encoded or raw, is a separator on some servers: refused
    ("/users/a%5Cb", REFUSED),
    ("/users/a\\b", REFUSED),
    ("/users/..%5C..%5Cadmin", REFUSED),
    # control characters: refused
    ("/users/a%0D%0AX-Injected:%201", REFUSED),
    ("/users/a%0Ab", REFUSED),
    ("/users/a%00", REFUSED),
    ("/files/secret.txt%00", REFUSED),
    # double encoding: what a single decoding leaves encoded is refused, as KrakenD does
    ("/users/a%252fb", REFUSED),
    ("/users/..%252f..%252fadmin", REFUSED),
    # '?' and '#' in a param: refused, as KrakenD does
    ("/users/a%3Fx=1", REFUSED),
    ("/users/a%23b", REFUSED),
    # forwarded, encoded for one path segment
    ("/users/42", "/api/users/42"),
    ("/users/a%3Bb", "/api/users/a%3Bb"),
    ("/users/..;", "/api/users/..%3B"),
    ("/users/...", "/api/users/..."),
    ("/users/a%20b", "/api/users/a%20b"),
    ("/users/caf%C3%A9", "/api/users/caf%C3%A9"),
    ("/users/a&b=c", "/api/users/a&b=c"),  # a path has no query syntax: no parameter added
    ("/files/report", "/api/files/report.json"),
    ("/files/..", REFUSED),
    # placeholders in the pattern's query part: one query value each
    ("/search/foo%26role%3Dadmin", "/search?term=foo%26role%3Dadmin&role=user"),
    ("/search/a=b", "/search?term=a%3Db&role=user"),
    ("/search/a+b%20c", "/search?term=a%2Bb%20c&role=user"),
    ("/search/a;role=admin", "/search?term=a%3Brole%3Dadmin&role=user"),
    ("/search/..", REFUSED),
    ("/search/a%23role=admin", REFUSED),
]


@pytest.mark.parametrize(("path", "expected"), DEFAULT_CASES)
def test_path_params(gateway: str, client: Any, path: str, expected: str) -> None:
    reply = client.get(gateway + path)
    if expected == REFUSED:
        assert reply.status == 400, reply.text
        assert reply.headers["X-Propylon-Completed"] == "false"
        assert "target" not in reply.text
    else:
        assert reply.status == 200, reply.text
        assert reply.json()["target"] == expected


NO_DECODING_CASES = [
    # forwarded as the literal value: encoded again, so never decoded twice on the way
    ("/users/a%252fb", "/api/users/a%252fb"),
    ("/users/..%252f..%252fadmin", "/api/users/..%252f..%252fadmin"),
    ("/users/a%3Fx=1", "/api/users/a%3Fx=1"),
    ("/users/a%23b", "/api/users/a%23b"),
    ("/search/foo%26role%3Dadmin%23x", "/search?term=foo%26role%3Dadmin%23x&role=user"),
    ("/search/%253D", "/search?term=%253D&role=user"),
    # what can never be one segment stays refused whatever the router options
    ("/users/..%2fadmin", REFUSED),
    ("/users/%2e%2e", REFUSED),
    ("/users/a%5Cb", REFUSED),
    ("/users/a%00", REFUSED),
]


@pytest.mark.parametrize(("path", "expected"), NO_DECODING_CASES)
def test_path_params_without_decoding_check(
    no_decoding_check: str, client: Any, path: str, expected: str
) -> None:
    reply = client.get(no_decoding_check + path)
    if expected == REFUSED:
        assert reply.status == 400, reply.text
    else:
        assert reply.status == 200, reply.text
        assert reply.json()["target"] == expected


def test_search_value_is_one_query_parameter(gateway: str, client: Any) -> None:
    pairs = client.get(gateway + "/search/foo%26role%3Dadmin").json()["pairs"]
    assert pairs == [["term", "foo&role=admin"], ["role", "user"]]


# (client query, what the backend parses: the pairs of the declared names, values intact)
QUERY_CASES = [
    ("q=a%26role%3Dadmin", [["q", "a&role=admin"]]),
    ("q=a%0D%0Ab%00", [["q", "a\r\nb\x00"]]),
    ("q=a%23b&x=1%2B1", [["q", "a#b"], ["x", "1+1"]]),
    ("q=%252f", [["q", "%2f"]]),
    ("q=a&role=admin", [["q", "a"]]),
    ("q=x;role=admin", [["q", "x;role=admin"]]),
    ("q=a%20b+c", [["q", "a b c"]]),
    ("q=1&q=2", [["q", "1"], ["q", "2"]]),
]


@pytest.mark.parametrize(("query", "pairs"), QUERY_CASES)
def test_forwarded_query_values_intact(
    gateway: str, client: Any, query: str, pairs: list[list[str]]
) -> None:
    """Forwarded: every value arrives as the client sent it, and no parameter is added."""
    reply = client.get(f"{gateway}/fwd/1?{query}")
    assert reply.status == 200, reply.text
    body = reply.json()
    assert body["pairs"] == pairs
    path, _, raw_query = body["target"].partition("?")
    assert path == "/api/fwd/1"
    assert not any(c in raw_query for c in "\r\n\x00#")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("ok", "/api/items/7"),
        ("slash", "/api/items/..%2Fadmin"),  # one segment, encoded
        ("backslash", "/api/items/..%5Cadmin"),
        ("crlf", "/api/items/a%0D%0Ab"),
        ("dots", REFUSED),  # the second backend is not called; the response is incomplete
    ],
)
def test_sequential_params_from_a_response(
    gateway: str, client: Any, key: str, expected: str
) -> None:
    """A value another backend returned is encoded like a client's; a dot segment is refused."""
    reply = client.get(gateway + "/seq/" + key)
    assert reply.status == 200, reply.text
    body = reply.json()
    assert body["next"] == NEXT[key]
    if expected == REFUSED:
        assert "target" not in body
        assert reply.headers["X-Propylon-Completed"] == "false"
    else:
        assert body["target"] == expected
        assert reply.headers["X-Propylon-Completed"] == "true"


@pytest.mark.parametrize(
    ("pattern", "params", "expected"),
    [
        ("/a/{x}{y}", {"X": ".", "Y": "."}, REFUSED),
        ("/a/{x}{y}/b", {"X": "", "Y": ".."}, REFUSED),
        ("/a/{x}.{y}", {"X": "", "Y": ""}, REFUSED),
        ("/a/{x}/b?c={y}", {"X": "1", "Y": ".."}, "/a/1/b?c=.."),
        ("/a/{x}?c={y}&d={x}", {"X": "&", "Y": "#"}, "/a/&?c=%23&d=%26"),
        ("/{x}", {"X": "a/../b"}, "/a%2F..%2Fb"),
    ],
)
def test_pattern_positions(pattern: str, params: dict[str, str], expected: str) -> None:
    """Where each placeholder stands (path or query) is decided when the pattern is compiled."""
    compiled = compile_pattern(pattern)
    if expected == REFUSED:
        with pytest.raises(InvalidParamError):
            compiled.fill(params)
    else:
        assert compiled.fill(params) == expected


def test_no_catch_all_endpoint(serve: Any, recorder: str, client: Any) -> None:
    """KrakenD CE has no catch-all endpoint; a literal '*' endpoint matches only itself."""
    gateway = serve(service(endpoint("/cat/*", backend(recorder, "/api/cat"))))
    assert client.get(gateway + "/cat/*").json()["target"] == "/api/cat"
    assert client.get(gateway + "/cat/..%2fadmin").status == 404
