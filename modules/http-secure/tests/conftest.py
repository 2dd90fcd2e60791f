"""A gateway built per test with the http-secure module, in front of the recording backend of
propylon's pytest plugin (``servers``, ``backend``), both served on 127.0.0.1; requests are
sent with ``send`` and the answer is seen exactly as the gateway wrote it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from propylon.sdk.testing import RecordingBackend, Servers
from propylon_http_secure import module


def framing_app() -> web.Application:
    """A backend setting its own ``X-Frame-Options``."""

    async def framed(_request: web.Request) -> web.Response:
        return web.json_response({"framed": True}, headers={"X-Frame-Options": "SAMEORIGIN"})

    app = web.Application()
    app.router.add_get("/framed", framed)
    return app


@pytest.fixture
def gateway(
    gateway: Callable[..., str], servers: Servers, backend: tuple[RecordingBackend, str]
) -> Callable[..., str]:
    """A gateway with ``security/http`` set to ``options`` (None: not configured) and these
    endpoints: ``/items/{id}`` (GET and POST) on the recording backend, ``/broken`` on a
    backend that cannot be reached (500), ``/framed`` (no-op) on a backend setting its own
    ``X-Frame-Options``. Returns the gateway's base URL."""
    _, backend_url = backend
    framing_url = servers.start(framing_app())

    def start(options: dict[str, Any] | None, **service: Any) -> str:
        def endpoint(path: str, method: str, host: str, **extra: Any) -> dict[str, Any]:
            target = {"host": [host], "url_pattern": path, **extra}
            return {"endpoint": path, "method": method, "backend": [target]}

        endpoints = [
            endpoint("/items/{id}", "GET", backend_url),
            endpoint("/items/{id}", "POST", backend_url),
            endpoint("/broken", "GET", "http://127.0.0.1:1"),
            endpoint("/framed", "GET", framing_url, encoding="no-op"),
        ]
        endpoints[-1]["output_encoding"] = "no-op"
        config: dict[str, Any] = {"endpoints": endpoints, **service}
        if options is not None:
            config["extra_config"] = {"security/http": options}
        return gateway(config, module)

    return start
