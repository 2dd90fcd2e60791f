"""Gateways built with the module in front of real backends, all served on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiohttp import web
from propylon.sdk.testing import RecordingBackend, Servers, build_gateway, load_config
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
def servers() -> Iterator[Servers]:
    with Servers() as started:
        yield started


@pytest.fixture
def backend(servers: Servers) -> tuple[RecordingBackend, str]:
    """A backend that fails on demand (set ``status``) and counts its calls, and its URL."""
    served = RecordingBackend()
    return served, servers.start(served.app())


@pytest.fixture
def gateway(servers: Servers) -> Callable[[dict[str, Any]], str]:
    """Serves a gateway with the module; returns its base URL."""

    def start(config: dict[str, Any]) -> str:
        return servers.start(build_gateway(load_config(config, [module]), [module]))

    return start


@pytest.fixture
def slow(servers: Servers) -> Callable[[float], tuple[SlowBackend, str]]:
    def start(delay: float) -> tuple[SlowBackend, str]:
        served = SlowBackend(delay)
        return served, servers.start(served.app())

    return start
