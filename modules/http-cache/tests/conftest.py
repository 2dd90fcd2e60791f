"""Gateways built with the module in front of a backend whose caching headers each test sets,
all served on 127.0.0.1 (``servers`` of propylon's pytest plugin); ``stores`` sees the stores
the module makes, to measure them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from propylon.sdk import BackendConfig
from propylon.sdk.testing import Servers
from propylon_http_cache.module import new_module
from propylon_http_cache.store import Store


@dataclass
class Route:
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    padding: int = 0  # bytes of filler in the body


class CachingBackend:
    """Answers ``/<name>`` with the headers set for it and a body telling which call this was
    (``n``); answers 304 to an ``If-None-Match`` naming its ``ETag``. Keeps every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []

    def route(self, name: str, headers: dict[str, str], padding: int = 0) -> Route:
        """Sets what ``/<name>`` answers with."""
        self.routes[name] = Route(headers, padding=padding)
        return self.routes[name]

    @property
    def hits(self) -> int:
        return len(self.seen)

    def app(self) -> web.Application:
        async def answer(request: web.Request) -> web.Response:
            name = request.match_info["name"]
            self.seen.append((request.path_qs, dict(request.headers)))
            route = self.routes.setdefault(name, Route())
            etag = route.headers.get("ETag")
            if etag and request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers=route.headers)
            body = {
                "n": self.hits,
                "tenant": request.headers.get("X-Tenant", ""),
                "query": request.query_string,
                "pad": "x" * route.padding,
            }
            return web.json_response(body, status=route.status, headers=route.headers)

        app = web.Application()
        app.router.add_route("*", "/{name}", answer)
        return app


@pytest.fixture
def backend(servers: Servers) -> tuple[CachingBackend, str]:
    served = CachingBackend()
    return served, servers.start(served.app())


@pytest.fixture
def stores() -> list[tuple[BackendConfig, Store]]:
    return []


@pytest.fixture
def gateway(
    gateway: Callable[..., str], stores: list[tuple[BackendConfig, Store]]
) -> Callable[[dict[str, Any]], str]:
    """Serves a gateway with the module from a config dict; returns its base URL."""
    module = new_module(lambda backend, store: stores.append((backend, store)))
    return lambda config: gateway(config, module)
