"""Gateways built with the module in front of real backends, all served on 127.0.0.1; the
recording ``backend`` (fails on demand: set ``status``) is propylon's pytest plugin's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from propylon.sdk.testing import Servers
from propylon_circuit_breaker import module


class SlowBackend:
    """Answers after ``delay`` seconds with ``status``, and counts the calls that reached it;
    ``stagger`` delays every call but each third one by that much more."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.stagger = 0.0
        self.status = 200
        self.hits = 0

    def app(self) -> web.Application:
        async def slow(_request: web.Request) -> web.Response:
            self.hits += 1
            extra = self.stagger if self.hits % 3 else 0.0
            await asyncio.sleep(self.delay + extra)
            return web.json_response({"slow": True}, status=self.status)

        app = web.Application()
        app.router.add_get("/{tail:.*}", slow)
        return app


@pytest.fixture
def gateway(gateway: Callable[..., str]) -> Callable[[dict[str, Any]], str]:
    """Serves a gateway with the module; returns its base URL."""
    return lambda config: gateway(config, module)


@pytest.fixture
def slow(servers: Servers) -> Callable[[float], tuple[SlowBackend, str]]:
    def start(delay: float) -> tuple[SlowBackend, str]:
        served = SlowBackend(delay)
        return served, servers.start(served.app())

    return start
