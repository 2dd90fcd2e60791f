"""Gateways built in-process from config dicts (``propylon.sdk.testing``), with the cel module
and, for JWT expressions, the jwt module, in front of a real backend that records what reaches
it; everything is served on one background event loop, on 127.0.0.1.

Tests stay synchronous; requests go out with ``http.client``, so status, headers and body are
seen exactly as the gateway wrote them.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from joserfc import jwt
from joserfc.jwk import OctKey
from propylon.sdk import Module
from propylon.sdk.testing import build_gateway, load_config
from propylon_cel import module as cel_module
from propylon_jwt.module import module as jwt_module


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

    def json(self) -> Any:
        return json.loads(self.body)


def send(url: str, method: str = "GET", **headers: str) -> Reply:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, target, headers=headers)
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


@dataclass
class Backend:
    """Answers every path with ``documents[path]`` (else ``{"path": path}``) and the header
    ``X-Tier: gold``; remembers each path it was asked for."""

    documents: dict[str, Any] = field(default_factory=dict)
    received: list[str] = field(default_factory=list)

    def hits(self, path: str) -> int:
        return self.received.count(path)

    def app(self) -> web.Application:
        async def answer(request: web.Request) -> web.Response:
            self.received.append(request.path)
            document = self.documents.get(request.path, {"path": request.path})
            return web.json_response(document, headers={"X-Tier": "gold"})

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        return app


@dataclass
class Stack:
    servers: Servers
    backend: Backend
    backend_url: str
    keys_file: str
    key: OctKey

    def gateway(self, endpoints: list[dict[str, Any]], *, with_jwt: bool = False) -> str:
        """A gateway whose endpoints call the backend (``url_pattern`` defaults to the
        endpoint); returns its base URL."""
        for endpoint in endpoints:
            backends = endpoint.setdefault("backend", [{"url_pattern": endpoint["endpoint"]}])
            for backend in backends:
                backend.setdefault("host", [self.backend_url])
        config = {
            "version": 3,
            "extra_config": {"router": {"return_error_msg": True}},
            "endpoints": endpoints,
        }
        modules: tuple[Module, ...] = (cel_module, jwt_module) if with_jwt else (cel_module,)
        return self.servers.start(build_gateway(load_config(config, modules), modules))

    def validator(self, **options: Any) -> dict[str, Any]:
        """An ``auth/validator`` accepting this stack's HS256 tokens."""
        return {"alg": "HS256", "jwk_local_path": self.keys_file, **options}

    def token(self, **claims: Any) -> str:
        return jwt.encode({"alg": "HS256", "kid": "k1"}, claims, self.key)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    key = OctKey.generate_key(256, {"kid": "k1"})
    keys_file = Path(tmp_path_factory.mktemp("keys")) / "keys.json"
    keys_file.write_text(json.dumps({"keys": [key.as_dict(private=True)]}))
    servers = Servers()
    backend = Backend()
    yield Stack(servers, backend, servers.start(backend.app()), str(keys_file), key)
    servers.close()
