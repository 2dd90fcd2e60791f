"""Contributed-module tests: a gateway built in-process from a config dict, with real backends.

Uses the root conftest's ``servers`` fixture (aiohttp servers on a background loop); requests
go out with ``http.client``, so headers are seen exactly as the gateway wrote them.
"""

from __future__ import annotations

import http.client
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from propylon import encoding, render
from propylon.config.model import ServiceConfig
from propylon.config.parser import parse_service
from propylon.gateway import build_application, validate_modules
from propylon.modules import Module


def load(config: dict[str, Any], modules: Sequence[Module]) -> ServiceConfig:
    """Parses and validates ``config`` as ``propylon check`` does."""
    document = {"version": 3, **config}
    service = parse_service(document, decoders=encoding.names(), renderers=render.names())
    validate_modules(service, modules)
    return service


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
def load_config() -> Callable[..., ServiceConfig]:
    return load


@pytest.fixture
def fetch() -> Callable[..., Reply]:
    return send


@pytest.fixture
def gateway(servers: Any) -> Callable[..., str]:
    """Serves a gateway from a config dict and the given modules; returns its base URL."""

    def start(config: dict[str, Any], *modules: Module) -> str:
        return servers.start(build_application(load(config, modules), modules))

    return start


@pytest.fixture
def backend(servers: Any) -> tuple[Backend, str]:
    """The backend and its base URL."""
    served = Backend()
    return served, servers.start(served.app())
