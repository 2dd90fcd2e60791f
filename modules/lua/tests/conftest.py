"""A gateway built in-process (``propylon.sdk.testing``) in front of a real backend that
records what reaches it, both served on a background event loop; requests go out with
``http.client`` so status, headers and body are seen exactly as the gateway wrote them."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from propylon.sdk.testing import build_gateway, load_config
from propylon_lua import module as lua


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

    def json(self) -> Any:
        return json.loads(self.body)


def send(method: str, url: str, body: bytes | None = None, **headers: str) -> Reply:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, body=body, headers=headers)
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


@dataclass
class Seen:
    method: str
    path_qs: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Backend:
    """Answers JSON describing the call (and a list of items); remembers every request."""

    received: list[Seen] = field(default_factory=list)

    def app(self) -> web.Application:
        async def answer(request: web.Request) -> web.Response:
            body = await request.read()
            self.received.append(
                Seen(
                    request.method,
                    request.path_qs,
                    {k: ", ".join(request.headers.getall(k)) for k in request.headers},
                    body,
                )
            )
            return web.json_response(
                {"path": request.path, "items": [{"id": 1}, {"id": 2}], "message": "ok"},
                headers={"X-Backend": "yes"},
            )

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        return app

    def last(self) -> Seen:
        return self.received[-1]


@dataclass
class Stack:
    servers: Servers
    backend: Backend
    backend_url: str

    def gateway(self, endpoints: list[dict[str, Any]], **extra: Any) -> str:
        """A gateway whose endpoints call the backend (unless they say); its base URL."""
        for endpoint in endpoints:
            backend = {"host": [self.backend_url], "url_pattern": endpoint["endpoint"]}
            backend.update(endpoint.pop("backend_extra", {}))
            endpoint.setdefault("backend", [backend])
        config = {
            "version": 3,
            "extra_config": {"router": {"return_error_msg": True}, **extra},
            "endpoints": endpoints,
        }
        return self.servers.start(build_gateway(load_config(config, [lua]), [lua]))


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    servers = Servers()
    backend = Backend()
    yield Stack(servers, backend, servers.start(backend.app()))
    servers.close()
