"""The module decorates the handler and proxy layers of endpoints that configure it."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from propylon.config import ConfigError
from propylon.config.parser import parse_service
from propylon.encoding import names as decoders
from propylon.gateway import build_application, validate_modules
from propylon.render import names as renderers
from {{ cookiecutter.package }} import NAMESPACE, module


def service_for(backend_url: str, extra: dict):
    document = {
        "version": 3,
        "endpoints": [
            {
                "endpoint": "/stamped",
                "extra_config": {NAMESPACE: extra},
                "backend": [{"host": [backend_url], "url_pattern": "/data"}],
            },
            {"endpoint": "/plain", "backend": [{"host": [backend_url], "url_pattern": "/data"}]},
        ],
    }
    return parse_service(document, decoders=decoders(), renderers=renderers())


def test_stamps_configured_endpoints_only() -> None:
    asyncio.run(_stamps_configured_endpoints_only())


async def _stamps_configured_endpoints_only() -> None:
    backend = web.Application()
    backend.router.add_get("/data", lambda _r: web.json_response({"ok": True}))
    async with TestServer(backend) as backend_server:
        service = service_for(str(backend_server.make_url("")), {"value": "tested"})
        gateway = build_application(service, [module])
        async with TestClient(TestServer(gateway)) as client:
            stamped = await client.get("/stamped")
            assert stamped.headers["X-Hello"] == "tested"
            assert await stamped.json() == {"ok": True, "hello": "tested"}
            plain = await client.get("/plain")
            assert "X-Hello" not in plain.headers
            assert await plain.json() == {"ok": True}


def test_rejects_unknown_fields() -> None:
    service = service_for("http://127.0.0.1:1", {"colour": "red"})
    with pytest.raises(ConfigError, match="colour"):
        validate_modules(service, [module])
