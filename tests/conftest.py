"""Shared test helpers: a background event loop for aiohttp servers, a plain HTTP client, and a
real gateway process started from a configuration dict.

Tests stay synchronous: servers (backends, in-process gateways) run on one event loop in a
daemon thread, and requests go out with ``http.client``, so a redirect or an error status is
seen exactly as the gateway wrote it.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable  # the interpreter running the tests has propylon installed
LOOPBACK = "127.0.0.1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "fixed_ports: binds fixed ports (8080, 8081, 8090): never run in parallel"
    )
    config.addinivalue_line("markers", "xdist_group(name): run in one pytest-xdist worker")


class LoopThread:
    """An asyncio loop running in a daemon thread; ``run`` executes a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


@pytest.fixture(scope="session")
def loop_thread() -> Iterator[LoopThread]:
    thread = LoopThread()
    yield thread
    thread.stop()


class Servers:
    """aiohttp applications served on 127.0.0.1 ephemeral ports until ``close``."""

    def __init__(self, loop: LoopThread) -> None:
        self._loop = loop
        self._servers: list[TestServer] = []

    def start(self, app: web.Application) -> str:
        """Serves ``app``; returns its base URL (``http://127.0.0.1:PORT``)."""
        server = TestServer(app, host=LOOPBACK)
        self._loop.run(server.start_server(shutdown_timeout=1.0))
        self._servers.append(server)
        return str(server.make_url("")).rstrip("/")

    def close(self) -> None:
        for server in reversed(self._servers):
            self._loop.run(server.close())
        self._servers.clear()


@pytest.fixture
def servers(loop_thread: LoopThread) -> Iterator[Servers]:
    """Per-test servers, closed when the test ends."""
    started = Servers(loop_thread)
    yield started
    started.close()


@pytest.fixture(scope="session")
def session_servers(loop_thread: LoopThread) -> Iterator[Servers]:
    """Servers shared by the whole session (stateless backends)."""
    started = Servers(loop_thread)
    yield started
    started.close()


@pytest.fixture(scope="module")
def module_servers(loop_thread: LoopThread) -> Iterator[Servers]:
    """Servers shared by a test module."""
    started = Servers(loop_thread)
    yield started
    started.close()


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes
    elapsed: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def http_request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 10.0,
) -> Reply:
    """One request, redirects not followed; the raw status, headers and body."""
    scheme, _, rest = url.partition("://")
    assert scheme == "http", url
    netloc, slash, path = rest.partition("/")
    host, _, port = netloc.partition(":")
    conn = http.client.HTTPConnection(host, int(port or 80), timeout=timeout)
    started = time.monotonic()
    try:
        conn.request(method, slash + path or "/", body=body, headers=headers or {})
        resp = conn.getresponse()
        payload = resp.read()
        return Reply(resp.status, resp.headers, payload, time.monotonic() - started)
    finally:
        conn.close()


def get(url: str, **kwargs: Any) -> Reply:
    return http_request("GET", url, **kwargs)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@dataclass
class GatewayProcess:
    """``propylon run -c FILE -p PORT -w 1`` in a subprocess, its output in a log file."""

    config_path: Path
    port: int
    log_path: Path
    extra_args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    python: str = PYTHON  # another environment's interpreter, to run the gateway installed there

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self, startup_timeout: float = 15.0) -> GatewayProcess:
        args = [self.python, "-m", "propylon", "run", "-c", str(self.config_path)]
        args += ["-p", str(self.port), "-w", "1", *self.extra_args]
        env = {**os.environ, **self.env}
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        deadline = time.monotonic() + startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gateway exited with {self.proc.returncode}:\n{self.log()}")
            with contextlib.suppress(OSError):
                if get(self.url + "/__health", timeout=1).status == 200:
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"gateway not ready after {startup_timeout}s:\n{self.log()}")

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Gateways:
    """Gateway processes started from config dicts, all stopped by ``close``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._started: list[GatewayProcess] = []

    def start(
        self, config: dict[str, Any], *, debug: bool = False, env: dict[str, str] | None = None
    ) -> GatewayProcess:
        name = f"gateway{len(self._started)}"
        path = self.folder / f"{name}.json"
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")
        gateway = GatewayProcess(
            path,
            free_port(),
            self.folder / f"{name}.log",
            extra_args=["-d"] if debug else [],
            env={"PROPYLON_COMPAT": "", **(env or {})},  # Propylon's own names unless asked
        )
        self._started.append(gateway)
        return gateway.start()

    def close(self) -> None:
        for gateway in self._started:
            gateway.stop()
        self._started.clear()


@pytest.fixture
def gateways(tmp_path: Path) -> Iterator[Gateways]:
    """``gateways.start(config)``: a real gateway process, stopped when the test ends."""
    started = Gateways(tmp_path)
    yield started
    started.close()


@pytest.fixture(scope="module")
def module_gateways(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateways]:
    """Gateway processes shared by a test module."""
    started = Gateways(tmp_path_factory.mktemp("gateways"))
    yield started
    started.close()


class Client:
    """Plain HTTP calls (``http.client``) for tests: ``client.get(url)``, ``client.request(...)``."""

    request = staticmethod(http_request)
    get = staticmethod(get)


@pytest.fixture(scope="session")
def client() -> Client:
    return Client()
