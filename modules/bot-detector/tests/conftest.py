"""A gateway built in-process from a config dict (``propylon.sdk.testing``), served with a
real backend on a background event loop.

Tests stay synchronous; requests go out with ``http.client``, so headers are seen exactly as
the gateway wrote them.
"""

from __future__ import annotations

import asyncio
import http.client
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from propylon.sdk import Module
from propylon.sdk.testing import build_gateway, load_config


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
        """Serves ``app``; returns its base URL."""
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


def send(method: str, url: str, headers: dict[str, str] | None = None) -> Reply:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path or "/", headers=headers or {})
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


class Backend:
    """A real backend that answers every path with JSON and counts the requests it got."""

    def __init__(self) -> None:
        self.hits = 0

    def app(self) -> web.Application:
        async def answer(request: web.Request) -> web.Response:
            self.hits += 1
            return web.json_response({"path": request.path})

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        return app


@pytest.fixture
def servers() -> Iterator[Servers]:
    started = Servers()
    yield started
    started.close()


@pytest.fixture
def fetch() -> Callable[..., Reply]:
    return send


@pytest.fixture
def gateway(servers: Servers) -> Callable[..., str]:
    """Serves a gateway from a config dict and the given modules; returns its base URL."""

    def start(config: dict[str, Any], *modules: Module) -> str:
        return servers.start(build_gateway(load_config(config, modules), modules))

    return start


@pytest.fixture
def backend(servers: Servers) -> tuple[Backend, str]:
    """The backend and its base URL."""
    served = Backend()
    return served, servers.start(served.app())
