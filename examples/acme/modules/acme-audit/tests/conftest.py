"""The backend audited endpoints call: a real aiohttp application, served by each test."""

from __future__ import annotations

import pytest
from aiohttp import web


@pytest.fixture
def orders() -> web.Application:
    async def order(request: web.Request) -> web.Response:
        return web.json_response({"id": request.match_info["id"]})

    app = web.Application()
    app.router.add_get("/orders/{id}", order)
    return app
