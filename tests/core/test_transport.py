"""The HTTP client layer: size limits on decoded bodies, what follows a redirect, and the
connection kept to a backend (reuse, replacement, framing, refused input)."""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from propylon.config.client import ClientOptions
from propylon.transport import client as client_module
from propylon.transport.client import BodyTooLarge, ClientPool
from propylon.transport.errors import (
    ConnectionClosed,
    InvalidHeader,
    InvalidResponse,
    ResponseHeaderTimeout,
)

LIMIT = 1000


def _gzip_backend() -> web.Application:
    """A small gzip body that decodes past the limit, with and without Content-Length."""
    packed = gzip.compress(b"0" * (LIMIT * 100))

    async def sized(_request: web.Request) -> web.Response:
        return web.Response(body=packed, headers={"Content-Encoding": "gzip"})

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Encoding": "gzip"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(packed)
        return response

    app = web.Application()
    app.router.add_get("/sized", sized)
    app.router.add_get("/chunked", chunked)
    return app


@pytest.mark.parametrize("path", ["/sized", "/chunked"])
def test_decoded_body_past_the_limit_is_refused(servers: Any, loop_thread: Any, path: str) -> None:
    url = servers.start(_gzip_backend()) + path
    pool = ClientPool(max_body=LIMIT)

    async def call() -> None:
        try:
            await pool.execute("GET", url, {}, b"")
        finally:
            await pool.close()

    with pytest.raises(BodyTooLarge):
        loop_thread.run(call())


def _redirecting(to: str) -> web.Application:
    async def moved(_request: web.Request) -> web.Response:
        raise web.HTTPFound(to)

    app = web.Application()
    app.router.add_get("/moved", moved)
    return app


def _seen_headers() -> tuple[web.Application, list[dict[str, str]]]:
    seen: list[dict[str, str]] = []

    async def target(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/target", target)
    return app, seen


SECRETS = {"Authorization": ["Bearer t"], "Cookie": ["s=1"], "X-Other": ["kept"]}


def _follow(loop_thread: Any, url: str) -> None:
    pool = ClientPool()

    async def call() -> None:
        try:
            await pool.execute("GET", url, SECRETS, b"")
        finally:
            await pool.close()

    loop_thread.run(call())


def test_credentials_do_not_follow_a_redirect_to_another_host(
    servers: Any, loop_thread: Any
) -> None:
    app, seen = _seen_headers()
    target = servers.start(app).replace("127.0.0.1", "localhost") + "/target"
    _follow(loop_thread, servers.start(_redirecting(target)) + "/moved")
    assert "Authorization" not in seen[0] and "Cookie" not in seen[0]
    assert seen[0]["X-Other"] == "kept"


def test_credentials_follow_a_redirect_on_the_same_host(servers: Any, loop_thread: Any) -> None:
    app, seen = _seen_headers()
    target = servers.start(app) + "/target"
    _follow(loop_thread, servers.start(_redirecting(target)) + "/moved")
    assert seen[0]["Authorization"] == "Bearer t" and seen[0]["Cookie"] == "s=1"


# Wire-level behaviour, against a backend scripted byte by byte.

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


class RawBackend:
    """A TCP server whose ``script`` answers each connection (numbered from 0)."""

    def __init__(self, loop_thread: Any, script: Script) -> None:
        self.connections = 0
        self.requests: list[bytes] = []
        self._loop = loop_thread

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            number = self.connections
            self.connections += 1
            try:
                await script(reader, writer, number)
            finally:
                writer.close()

        async def start() -> asyncio.Server:
            return await asyncio.start_server(handle, "127.0.0.1", 0)

        self.server = loop_thread.run(start())
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def read_request(self, reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        self.requests.append(head)
        return head

    def call(
        self,
        *calls: tuple[str, str, dict[str, list[str]], bytes],
        options: ClientOptions | None = None,
    ) -> list[Any]:
        """Runs ``calls`` in turn on one pool: each result, or the exception it raised."""
        pool = ClientPool(max_body=LIMIT, options=options)

        async def run() -> list[Any]:
            results: list[Any] = []
            try:
                for method, path, headers, body in calls:
                    try:
                        results.append(await pool.execute(method, self.url + path, headers, body))
                    except Exception as exc:  # the test inspects it
                        results.append(exc)
            finally:
                await pool.close()
            return results

        try:
            return self._loop.run(run())
        finally:
            self.close()

    def close(self) -> None:
        """Stops listening, from the server's own loop (asyncio's server is not thread-safe)."""

        async def stop() -> None:
            self.server.close()

        self._loop.run(stop())


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"


def test_a_connection_is_kept_for_the_next_request(loop_thread: Any) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        for _ in range(3):
            await backend.read_request(reader)
            writer.write(OK)

    backend = RawBackend(loop_thread, script)
    results = backend.call(*[("GET", "/", {}, b"")] * 3)
    assert [r.status for r in results] == [200, 200, 200]
    assert backend.connections == 1


def test_a_kept_connection_the_backend_dropped_is_replaced_for_a_get(loop_thread: Any) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await backend.read_request(reader)
        if n == 0:
            writer.write(OK)
            await backend.read_request(reader)  # then closes without answering
            return
        writer.write(OK)

    backend = RawBackend(loop_thread, script)
    results = backend.call(("GET", "/", {}, b""), ("GET", "/", {}, b""))
    assert [r.status for r in results] == [200, 200]
    assert backend.connections == 2


def test_a_post_is_never_sent_twice(loop_thread: Any) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
        await backend.read_request(reader)
        await reader.readuntil(b"0\r\n\r\n")
        if n == 0:
            writer.write(OK)
            await backend.read_request(reader)

    backend = RawBackend(loop_thread, script)
    results = backend.call(("POST", "/", {}, b"{}"), ("POST", "/", {}, b"{}"))
    assert results[0].status == 200
    assert isinstance(results[1], ConnectionClosed)
    assert backend.connections == 1


def test_head_ends_with_its_headers_and_keeps_the_connection(loop_thread: Any) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await backend.read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n")
        await backend.read_request(reader)
        writer.write(OK)

    backend = RawBackend(loop_thread, script)
    head, get = backend.call(("HEAD", "/", {}, b""), ("GET", "/", {}, b""))
    assert (head.status, head.body, get.body) == (200, b"", b"{}")
    assert backend.connections == 1


def test_informational_responses_are_skipped(loop_thread: Any) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await backend.read_request(reader)
        writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + OK)

    backend = RawBackend(loop_thread, script)
    (result,) = backend.call(("GET", "/", {}, b""))
    assert (result.status, result.body, "Link" in result.headers) == (200, b"{}", False)


def test_a_body_without_length_ends_with_the_connection(loop_thread: Any) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await backend.read_request(reader)
        writer.write(b"HTTP/1.0 200 OK\r\n\r\n" + b'{"a":1}')

    backend = RawBackend(loop_thread, script)
    (result,) = backend.call(("GET", "/", {}, b""))
    assert result.body == b'{"a":1}'


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", ConnectionClosed),
        (b"SSH-2.0-OpenSSH_9.2\r\n", InvalidResponse),
        (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (LIMIT + 1), BodyTooLarge),
        (b"", ConnectionClosed),
    ],
    ids=["cut short", "not HTTP", "declared too large", "closed at once"],
)
def test_a_broken_answer_is_an_error(loop_thread: Any, answer: bytes, error: type) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await backend.read_request(reader)
        writer.write(answer)

    backend = RawBackend(loop_thread, script)
    (result,) = backend.call(("GET", "/", {}, b""))
    assert isinstance(result, error), result


@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\x00b"])
def test_a_header_that_would_split_the_request_is_never_sent(loop_thread: Any, value: str) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await backend.read_request(reader)
        writer.write(OK)

    backend = RawBackend(loop_thread, script)
    (result,) = backend.call(("GET", "/", {"X-Claim": [value]}, b""))
    assert isinstance(result, InvalidHeader)
    assert backend.requests == []


def test_origins_past_the_bound_are_retired_not_leaked(
    loop_thread: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redirects may name any host: the pool keeps a bounded number of origins, and the
    connections of one it lets go are closed."""
    monkeypatch.setattr(client_module, "MAX_ORIGINS", 2)

    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await backend.read_request(reader)
        writer.write(OK)
        await reader.read()  # until the client closes the connection

    backend = RawBackend(loop_thread, script)
    port = backend.url.rsplit(":", 1)[1]
    hosts = ["127.0.0.1", "localhost", "user@127.0.0.1"]  # three origins, one server
    pool = ClientPool()

    async def run() -> int:
        for host in hosts:
            await pool.execute("GET", f"http://{host}:{port}/", {}, b"")
        await asyncio.sleep(0.1)
        open_now = sum(len(o._open) for o in pool._origins.values())
        await pool.close()
        return open_now

    try:
        assert loop_thread.run(run()) == 2
        assert len(backend.requests) == 3
    finally:
        backend.close()


# The service's client settings (propylon.config.client).


async def _answer_each(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answers every request of the connection until the client closes it."""
    while True:
        try:
            await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return
        writer.write(OK)


def test_disabled_keep_alives_and_compression_shape_each_request(loop_thread: Any) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await backend.read_request(reader)
        writer.write(OK)
        await reader.read()  # until the client closes

    backend = RawBackend(loop_thread, script)
    options = ClientOptions(disable_keep_alives=True, disable_compression=True)
    results = backend.call(*[("GET", "/", {}, b"")] * 3, options=options)
    assert [r.status for r in results] == [200, 200, 200]
    assert backend.connections == 3  # one per request
    for head in backend.requests:
        assert b"\r\nConnection: close\r\n" in head
        assert b"Accept-Encoding" not in head


def test_a_response_head_later_than_its_timeout_fails_the_call(loop_thread: Any) -> None:
    async def script(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _n: int) -> None:
        await backend.read_request(reader)
        await reader.read()  # never answers; until the client gives up

    backend = RawBackend(loop_thread, script)
    (result,) = backend.call(
        ("GET", "/", {}, b""), options=ClientOptions(response_header_timeout=0.2)
    )
    assert isinstance(result, ResponseHeaderTimeout)
    assert "timeout awaiting response headers" in str(result)


def _connections_for(
    loop_thread: Any, options: ClientOptions, hosts: list[str], rounds: int
) -> int:
    """Connections the backend saw for ``rounds`` of concurrent GETs, one per host each."""
    backend = RawBackend(loop_thread, lambda r, w, _n: _answer_each(r, w))
    port = backend.url.rsplit(":", 1)[1]
    pool = ClientPool(options=options)

    async def run() -> None:
        try:
            for _ in range(rounds):
                calls = [pool.execute("GET", f"http://{h}:{port}/", {}, b"") for h in hosts]
                assert [r.status for r in await asyncio.gather(*calls)] == [200] * len(hosts)
        finally:
            await pool.close()

    try:
        loop_thread.run(run())
    finally:
        backend.close()
    return backend.connections


def test_idle_connections_are_bounded_per_host(loop_thread: Any) -> None:
    two = ["127.0.0.1", "127.0.0.1"]
    assert _connections_for(loop_thread, ClientOptions(), two, 3) == 2  # both kept
    # One kept of each pair: the next pair opens one more.
    assert _connections_for(loop_thread, ClientOptions(max_idle_per_host=1), two, 3) == 4


def test_idle_connections_are_bounded_across_hosts(loop_thread: Any) -> None:
    hosts = ["127.0.0.1", "localhost"]  # two origins, one server
    assert _connections_for(loop_thread, ClientOptions(), hosts, 3) == 2
    assert _connections_for(loop_thread, ClientOptions(max_idle=1), hosts, 3) == 4


def test_backend_connections_send_tcp_keep_alive_probes(loop_thread: Any) -> None:
    backend = RawBackend(loop_thread, lambda r, w, _n: _answer_each(r, w))
    pool = ClientPool(options=ClientOptions(tcp_keep_alive=20))

    async def probe() -> tuple[int, int]:
        origin, _target = pool._route(backend.url + "/")
        conn = await origin.connect()
        try:
            sock = conn.transport.get_extra_info("socket") if conn.transport else None
            assert sock is not None
            return (
                sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
            )
        finally:
            conn.close()

    try:
        assert loop_thread.run(probe()) == (1, 20)
    finally:
        backend.close()
