"""This module's test fixtures: a real backend, and a gateway configuration in front of it.

Fixtures of other test folders are not visible here: the folder has no ``__init__.py``, and
the test files are prefixed with the module's name so they never clash with other modules'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web

Config = Callable[[str, dict[str, Any]], dict[str, Any]]


@pytest.fixture
def backend() -> web.Application:
    async def data(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/data", data)
    return app


@pytest.fixture
def config() -> Config:
    """Two endpoints: ``/stamped`` with the given options, ``/plain`` without the namespace."""

    def gateway_config(backend_url: str, options: dict[str, Any]) -> dict[str, Any]:
        backend = [{"host": [backend_url], "url_pattern": "/data"}]
        return {
            "version": 3,
            "endpoints": [
                {
                    "endpoint": "/stamped",
                    "extra_config": {"{{ cookiecutter.namespace }}": options},
                    "backend": backend,
                },
                {"endpoint": "/plain", "backend": backend},
            ],
        }

    return gateway_config
