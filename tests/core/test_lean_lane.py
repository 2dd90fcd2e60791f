"""The lean lane (``propylon.router.lean``): the plainest requests, served without aiohttp's
request and response machinery, get the bytes aiohttp would write, and the same backend
calls; the server timeouts hold between them."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from propylon.config import load_service
from propylon.gateway import build_application
from propylon.router.answer import Answer, answer_bytes
from propylon.router.lean import lean_routes, response_bytes
from propylon.router.protocol import GatewayProtocol, ServerOptions

from tests.conftest import LOOPBACK

from .cfg import backend, endpoint, service

BOTS, JWT = "security/bot-detector", "auth/validator"
SIGNED = {"alg": "RS256", "jwk_url": "http://127.0.0.1:9/keys", "disable_jwk_security": True}
# Not the lane's: a Content-Length turns the connection over to aiohttp, for good.
TO_AIOHTTP = b"GET /json HTTP/1.1\r\nHost: gw\r\nContent-Length: 0\r\n\r\n"
DATE = re.compile(rb"\r\nDate: [^\r]+\r\n")


def _backend() -> web.Application:
    async def json_body(request: web.Request) -> web.Response:
        return web.json_response({"a": 1, "query": dict(request.query)})

    async def echo(request: web.Request) -> web.Response:
        seen = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        return web.json_response({"headers": seen, "path_qs": request.path_qs})

    async def empty(_request: web.Request) -> web.Response:
        return web.Response(status=204, headers={"X-Backend": "empty"})

    async def raw(_request: web.Request) -> web.Response:
        return web.Response(body=b"<b>raw</b>", headers={"X-Backend": "raw", "Server": "b"})

    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(0.3)
        return web.json_response({"slow": True})

    app = web.Application()
    for path, handler in (("/json", json_body), ("/echo", echo), ("/echo/{tail}", echo),
                          ("/empty", empty), ("/raw", raw), ("/slow", slow)):  # fmt: skip
        app.router.add_get(path, handler)
    return app


@pytest.fixture(scope="module")
def gateway(module_gateways: Any, module_servers: Any) -> Any:
    url = module_servers.start(_backend())
    endpoints = [
        endpoint("/json", backend(url, "/json"), input_query_strings=["a"]),
        endpoint("/cached", backend(url, "/json"), cache_ttl="1m"),
        endpoint("/echo", backend(url, "/echo"), input_headers=["X-Team"]),
        endpoint("/empty", backend(url, "/empty", encoding="no-op"), output_encoding="no-op"),
        endpoint("/raw", backend(url, "/raw", encoding="no-op"), output_encoding="no-op"),
        endpoint("/slow", backend(url, "/slow")),
        endpoint("/down", backend("http://127.0.0.1:9", "/")),
        endpoint("/item/{id}", backend(url, "/echo/{id}")),
        endpoint("/item/{id}/tags", backend(url, "/echo/tags-{id}")),
        # Handlers modules wrapped: one refuses the probe, one lets it through, one has no token.
        endpoint("/bots", backend(url, "/json"), extra_config={BOTS: {"deny": ["probe/1"]}}),
        endpoint("/people", backend(url, "/json"), extra_config={BOTS: {"deny": ["other/1"]}}),
        endpoint("/signed", backend(url, "/json"), extra_config={JWT: SIGNED}),
    ]
    timeouts = {"read_header_timeout": "1s", "idle_timeout": "800ms"}
    return module_gateways.start(service(*endpoints, **timeouts))


def _read_response(conn: socket.socket) -> bytes:
    """One whole response: its head, then as many bytes as its Content-Length says; what
    follows it stays in the connection's buffer for the next call."""
    reader = _READERS.setdefault(conn.fileno(), conn.makefile("rb"))
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = reader.readline()
        assert line, f"closed after {head!r}"
        head += line
    found = re.search(rb"\r\nContent-Length: (\d+)", head)
    return head + reader.read(int(found.group(1)) if found else 0)


_READERS: dict[int, Any] = {}


def _connect(port: int) -> socket.socket:
    conn = socket.create_connection((LOOPBACK, port), timeout=5)
    _READERS.pop(conn.fileno(), None)  # a number reused from a closed connection
    return conn


def _lean_and_aiohttp(port: int, request: bytes) -> tuple[bytes, bytes]:
    """``request``'s answer through the lane, then through aiohttp, Dates left out."""
    with _connect(port) as lean:
        lean.sendall(request)
        lean_answer = _read_response(lean)
    with _connect(port) as other:
        other.sendall(TO_AIOHTTP)
        _read_response(other)
        other.sendall(request)
        aiohttp_answer = _read_response(other)
    return DATE.sub(b"\r\nDate: -\r\n", lean_answer), DATE.sub(b"\r\nDate: -\r\n", aiohttp_answer)


@pytest.mark.parametrize(
    "target",
    [
        "/json",
        "/json?a=1&b=2&a=3",
        "/cached",
        "/echo",
        "/empty",
        "/raw",
        "/down",
        "/item/7",
        "/item/abc/tags?x=1",
        "/item/a%2Fb",  # an escape: aiohttp's, refused as before
        "/item/..",
        "/nowhere",
        "/item/7/nothing",
        "/bots",
        "/people",
        "/signed",
    ],
)
def test_the_lane_answers_what_aiohttp_answers(gateway: Any, target: str) -> None:
    request = (
        f"GET {target} HTTP/1.1\r\nHost: gw.example:8080\r\nX-Team: blue\r\n"
        "User-Agent: probe/1\r\nAccept: */*\r\n\r\n"
    ).encode()
    lean, through_aiohttp = _lean_and_aiohttp(gateway.port, request)
    assert lean == through_aiohttp
    status = WRAPPED.get(target)  # the others vary: only that one answers is checked
    assert lean.startswith(b"HTTP/1.1 " + (b"%d " % status if status else b""))


# What the endpoints modules wrapped answer the probe.
WRAPPED = {"/bots": 403, "/people": 200, "/signed": 401}


def test_the_backend_gets_the_same_request_either_way(gateway: Any) -> None:
    request = b"GET /echo HTTP/1.1\r\nHost: gw.example\r\nX-Team: red\r\nX-Other: no\r\n\r\n"
    lean, through_aiohttp = _lean_and_aiohttp(gateway.port, request)
    assert lean == through_aiohttp
    assert b'"X-Team":"red"' in lean and b"X-Other" not in lean
    assert b'"X-Forwarded-Host":"gw.example"' in lean


def test_the_access_log_has_a_line_either_way(gateway: Any) -> None:
    _lean_and_aiohttp(gateway.port, b"GET /json?a=log HTTP/1.1\r\nHost: gw\r\n\r\n")
    lines = [line for line in gateway.log().splitlines() if '"/json?a=…"' in line]
    assert len(lines) >= 2 and all("| 200 |" in line for line in lines), lines


def test_requests_sent_while_one_is_answered_are_answered_in_turn(gateway: Any) -> None:
    with _connect(gateway.port) as conn:
        conn.sendall(b"GET /slow HTTP/1.1\r\nHost: gw\r\n\r\n")
        time.sleep(0.05)  # the first is in flight (its backend takes 0.3 s)
        conn.sendall(b"GET /json HTTP/1.1\r\nHost: gw\r\n\r\n")
        first, second = _read_response(conn), _read_response(conn)
    assert b'"slow":true' in first and b'"a":1' in second


def test_pipelined_requests_are_answered_in_turn(gateway: Any) -> None:
    with _connect(gateway.port) as conn:
        conn.sendall(
            b"GET /slow HTTP/1.1\r\nHost: gw\r\n\r\nGET /json HTTP/1.1\r\nHost: gw\r\n\r\n"
        )
        first, second = _read_response(conn), _read_response(conn)
    assert b'"slow":true' in first and b'"a":1' in second


def _closed_after(conn: socket.socket, limit: float) -> float:
    """Seconds until the gateway closes ``conn`` (it sends nothing more)."""
    started = time.monotonic()
    conn.settimeout(limit)
    assert conn.recv(1) == b""
    return time.monotonic() - started


def test_an_idle_connection_is_closed_after_idle_timeout(gateway: Any) -> None:
    with _connect(gateway.port) as conn:
        for _ in range(3):  # idle shorter than idle_timeout between them: kept
            conn.sendall(b"GET /json HTTP/1.1\r\nHost: gw\r\n\r\n")
            assert _read_response(conn).startswith(b"HTTP/1.1 200 ")
            time.sleep(0.4)
        assert 0.2 < _closed_after(conn, 5) < 1.5


def test_a_slow_head_after_a_lane_request_is_cut_off(gateway: Any) -> None:
    with _connect(gateway.port) as conn:
        conn.sendall(b"GET /json HTTP/1.1\r\nHost: gw\r\n\r\n")
        _read_response(conn)
        started = time.monotonic()
        closed = None
        for byte in b"GET /json HTTP/1.1\r\nHost: gw\r\nX-Slow: " + b"a" * 40:
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                closed = time.monotonic() - started
                break
            conn.settimeout(0.1)
            try:
                if conn.recv(1) == b"":
                    closed = time.monotonic() - started
                    break
            except TimeoutError:
                pass
        assert closed is not None and 0.8 < closed < 2.0, closed


@pytest.fixture
def abandoned(gateway: Any) -> Iterator[None]:
    """A client that leaves while its request is in flight."""
    conn = _connect(gateway.port)
    conn.sendall(b"GET /slow HTTP/1.1\r\nHost: gw\r\n\r\n")
    conn.close()
    yield


def test_a_client_leaving_mid_request_leaves_the_gateway_serving(
    gateway: Any, abandoned: None
) -> None:
    time.sleep(0.4)
    with _connect(gateway.port) as conn:
        conn.sendall(b"GET /json HTTP/1.1\r\nHost: gw\r\n\r\n")
        assert _read_response(conn).startswith(b"HTTP/1.1 200 ")
    assert "Traceback" not in gateway.log()


def test_what_aiohttp_would_not_write_is_not_written() -> None:
    split = web.Response(body=b"x")
    split.headers["X-Split"] = "a\r\nInjected: 1"
    wrong_length = web.Response(body=b"abc", headers={"Content-Length": "10"})
    cookie = web.Response(body=b"x")
    cookie.set_cookie("s", "1")
    for response in (split, wrong_length, cookie, web.StreamResponse()):
        with pytest.raises(ValueError):
            response_bytes(response, "Mon, 30 Nov 2026 00:00:00 GMT")


def test_a_header_a_module_adds_is_checked_though_the_core_answered_plainly() -> None:
    """The core's own answers are written without checks; one a module changed is not."""
    answer = Answer(200, [("Content-Type", "application/json")], b"{}", plain=True)
    with pytest.raises(AttributeError):  # not around the checks: only through the methods
        answer.headers.append(("X-Module", "a\r\nInjected: 1"))  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        answer.headers = ()  # type: ignore[misc]
    answer.add("X-Module", "a\r\nInjected: 1")
    with pytest.raises(ValueError):
        answer_bytes(answer, "D")
    replaced = Answer(200, [("Content-Type", "application/json")], b"{}", plain=True)
    replaced.set("Content-Type", "text/plain\r\nInjected: 1")
    with pytest.raises(ValueError):
        answer_bytes(replaced, "D")


def test_a_plain_answer_made_empty_by_a_module_has_no_framing() -> None:
    answer = Answer(200, [("X-Gateway", "p")], b"{}", plain=True)
    answer.status, answer.body = 204, b""
    assert (
        answer_bytes(answer, "D") == b"HTTP/1.1 204 No Content\r\nX-Gateway: p\r\nDate: D\r\n\r\n"
    )


def test_answer_headers_change_as_a_multidicts_would() -> None:
    answer = Answer(200, [("A", "1"), ("b", "2"), ("C", "3"), ("B", "4")])
    answer.set("B", "5")
    assert answer.headers == (("A", "1"), ("B", "5"), ("C", "3"))
    answer.add("a", "6")
    answer.remove("c")
    assert answer.headers == (("A", "1"), ("B", "5"), ("a", "6"))


def test_a_response_without_a_body_has_no_framing() -> None:
    response = web.Response(status=304, headers={"ETag": "x", "Transfer-Encoding": "chunked"})
    written = response_bytes(response, "D")
    assert written == b"HTTP/1.1 304 Not Modified\r\nETag: x\r\nDate: D\r\n\r\n"


def test_plain_gets_take_the_lane_and_a_body_turns_the_connection_over(
    loop_thread: Any, module_servers: Any
) -> None:
    """The comparisons above would hold with no lane at all: this pins that one serves.
    ``_idle`` is set only by a lane answer; ``_lanes`` goes when aiohttp takes over."""
    url = module_servers.start(_backend())
    app = build_application(load_service(service(endpoint("/json", backend(url, "/json")))))
    made: list[GatewayProtocol] = []

    async def exchange() -> tuple[bool, bool, bool]:
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        assert runner.server is not None
        lanes = lean_routes(app)
        assert lanes is not None and "/json" in lanes.handlers
        loop = asyncio.get_running_loop()
        options = ServerOptions()

        def protocol() -> GatewayProtocol:
            made.append(GatewayProtocol(runner.server, options=options, lanes=lanes, loop=loop))
            return made[-1]

        listener = await loop.create_server(protocol, LOOPBACK, 0)
        port = listener.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection(LOOPBACK, port)
        try:
            writer.write(b"GET /json HTTP/1.1\r\nHost: gw\r\n\r\n")
            await reader.readuntil(b'"a":1')
            served_in_lane = made[0]._idle and made[0]._lanes is not None
            writer.write(TO_AIOHTTP)
            await reader.readuntil(b'"a":1')
            turned_over = made[0]._lanes is None
            writer.write(b"GET /json HTTP/1.1\r\nHost: gw\r\n\r\n")
            await reader.readuntil(b'"a":1')
            stays_with_aiohttp = made[0]._lanes is None and not made[0]._idle
            return served_in_lane, turned_over, stays_with_aiohttp
        finally:
            writer.close()
            listener.close()
            await runner.cleanup()

    assert loop_thread.run(exchange()) == (True, True, True)
