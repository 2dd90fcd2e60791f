"""Helpers for testing an extension against a real gateway, as ``propylon run`` builds it.

``load_config`` reads a configuration (a file or a dict) exactly as ``propylon check`` does,
with the given modules; ``build_gateway`` turns it into the aiohttp application ``run``
serves. ``Servers`` serves it (and real backends, such as ``RecordingBackend``) on 127.0.0.1
from a background event loop, so tests stay synchronous; ``send`` makes a real HTTP request
and shows the answer exactly as the gateway wrote it.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import logging
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict

from propylon.config import ConfigErrors, Problems, ServiceConfig, load_service, read_service
from propylon.gateway import build_application, edition_modules
from propylon.modules.contract import Module
from propylon.plugin.loader import PluginReport, load_plugin
from propylon.plugin.registry import PluginRegistry
from propylon.sdk.brokers import NatsServer, RabbitMQServer
from propylon.sdk.processes import GatewayProcess, free_port

__all__ = [
    "ConfigErrors",
    "GatewayProcess",
    "NatsServer",
    "PluginRegistry",
    "PluginReport",
    "Problems",
    "RabbitMQServer",
    "Recorded",
    "RecordingBackend",
    "RedisServer",
    "Reply",
    "Servers",
    "build_gateway",
    "check_config",
    "free_port",
    "imported_by",
    "load_config",
    "load_plugins",
    "send",
]


def _document(config: dict[str, Any]) -> dict[str, Any]:
    return config if "version" in config else {"version": 3, **config}


def load_config(
    config: dict[str, Any] | str | Path, modules: Sequence[Module] = (), *, lint: bool = False
) -> ServiceConfig:
    """The parsed service; raises ``ConfigErrors`` listing every problem, as ``check`` prints
    them. A dict without ``version`` is taken as version 3."""
    source = _document(config) if isinstance(config, dict) else config
    return load_service(source, edition_modules(modules), lint=lint)


def check_config(config: dict[str, Any] | str | Path, modules: Sequence[Module] = ()) -> Problems:
    """Every error and warning ``propylon check`` would print for ``config``."""
    source = _document(config) if isinstance(config, dict) else config
    return read_service(source, edition_modules(modules))[1]


def build_gateway(
    service: ServiceConfig,
    modules: Sequence[Module] = (),
    *,
    plugins: PluginRegistry | None = None,
    debug: bool = False,
) -> web.Application:
    """The application ``propylon run`` would serve for ``service`` with ``modules``."""
    return build_application(service, modules, debug=debug, plugins=plugins)


def load_plugins(*paths: str | Path) -> tuple[PluginRegistry, list[PluginReport]]:
    """Plugins loaded as the gateway loads its plugin folder; each report says what failed."""
    registry = PluginRegistry()
    log = logging.getLogger("propylon.plugin")
    reports = [load_plugin(Path(p), registry, log) for p in paths]
    return registry, reports


def imported_by(code: str) -> frozenset[str]:
    """The top-level packages a fresh interpreter has imported after running ``code``: a
    module's entry point should not import the libraries only its configured namespaces use
    (each worker would hold them in memory)."""
    probe = f"{code}\nimport sys\nprint(' '.join(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return frozenset(name.split(".")[0] for name in done.stdout.split())


class Servers:
    """aiohttp applications served on 127.0.0.1 from one background loop until ``close``
    (or the end of a ``with`` block)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._servers: list[TestServer] = []

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
        """Runs ``coro`` on the servers' loop and returns its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self, app: web.Application) -> str:
        """Serves ``app``; returns its base URL (``http://127.0.0.1:PORT``)."""
        server = TestServer(app, host="127.0.0.1")
        self.run(server.start_server(shutdown_timeout=1.0))
        self._servers.append(server)
        return str(server.make_url("")).rstrip("/")

    def close(self) -> None:
        for server in reversed(self._servers):
            self.run(server.close())
        self._servers.clear()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self.loop.close()

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def send(
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    timeout: float = 10.0,
) -> Reply:
    """One request with ``http.client``: status, headers and body exactly as sent back."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


@dataclass
class Recorded:
    """One request as a backend received it: ``raw_path`` undecoded with its query string,
    ``headers`` case-insensitive with every value of a repeated header (``getall``)."""

    method: str
    path: str
    raw_path: str
    headers: CIMultiDict[str]
    body: bytes


Responder = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class RecordingBackend:
    """A real backend that records every request and answers ``answer`` as JSON (``status``),
    or what ``respond(request)`` returns; bodies up to ``max_body`` bytes are accepted."""

    answer: Any = field(default_factory=lambda: {"ok": True})
    status: int = 200
    respond: Responder | None = None
    max_body: int = 64 << 20
    requests: list[Recorded] = field(default_factory=list)

    @property
    def hits(self) -> int:
        return len(self.requests)

    def app(self) -> web.Application:
        async def record(request: web.Request) -> web.StreamResponse:
            body = await request.read()
            headers = CIMultiDict(request.headers)
            self.requests.append(
                Recorded(request.method, request.path, request.raw_path, headers, body)
            )
            if self.respond is not None:
                return await self.respond(request)
            return web.json_response(self.answer, status=self.status)

        app = web.Application(client_max_size=self.max_body)
        app.router.add_route("*", "/{tail:.*}", record)
        return app


class RedisServer:
    """A real ``redis-server`` on 127.0.0.1 and a free port, in a temporary folder, for tests of
    extensions that share state through Redis; ``stop``/``start`` restart it on the same port.
    ``RedisServer.available()`` is false where the server is not installed (Debian:
    redis-server)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="propylon-redis-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisServer:
        args = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn,
            ):
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
