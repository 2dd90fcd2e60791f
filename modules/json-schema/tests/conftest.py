"""A gateway built in-process from a config dict (``propylon.sdk.testing``) in front of a real
backend that counts what reaches it, both served on a background event loop.

Tests stay synchronous; requests go out with ``http.client``, so status, headers and body are
seen exactly as the gateway wrote them.
"""

from __future__ import annotations

import asyncio
import http.client
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from propylon.sdk import Module
from propylon.sdk.testing import build_gateway, load_config
from propylon_json_schema import module as json_schema


class Servers:
    """aiohttp applications served on 127.0.0.1 from one background loop until ``close``."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._servers: list[TestServer] = []

    def _run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def start(self, app: web.Application) -> str:
        server = TestServer(app, host="127.0.0.1")
        self._run(server.start_server(shutdown_timeout=1.0))
        self._servers.append(server)
        return str(server.make_url("")).rstrip("/")

    def close(self) -> None:
        for server in reversed(self._servers):
            self._run(server.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def send(method: str, url: str, body: bytes | None = None, **headers: str) -> Reply:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, parts.path or "/", body=body, headers=headers)
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


@dataclass
class Backend:
    """Answers every path with JSON; remembers each request's path and body."""

    received: list[tuple[str, bytes]] = field(default_factory=list)

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.received if p == path)

    def app(self) -> web.Application:
        async def answer(request: web.Request) -> web.Response:
            self.received.append((request.path, await request.read()))
            return web.json_response({"ok": True})

        app = web.Application(client_max_size=64 << 20)
        app.router.add_route("*", "/{tail:.*}", answer)
        return app


@dataclass
class Stack:
    servers: Servers
    backend: Backend
    backend_url: str

    def gateway(self, endpoints: list[dict[str, Any]], *, error_msg: bool = True) -> str:
        """A gateway whose endpoints call the backend; returns its base URL."""
        for endpoint in endpoints:
            endpoint.setdefault("method", "POST")
            endpoint.setdefault(
                "backend", [{"host": [self.backend_url], "url_pattern": endpoint["endpoint"]}]
            )
        config = {
            "version": 3,
            "extra_config": {"router": {"return_error_msg": error_msg}},
            "endpoints": endpoints,
        }
        modules: tuple[Module, ...] = (json_schema,)
        return self.servers.start(build_gateway(load_config(config, modules), modules))


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    servers = Servers()
    backend = Backend()
    yield Stack(servers, backend, servers.start(backend.app()))
    servers.close()


@pytest.fixture
def post() -> Callable[..., Reply]:
    return lambda url, body=None, **headers: send("POST", url, body, **headers)
