"""A real backend for the gateways under test."""

from __future__ import annotations

from aiohttp import web


def orders_app() -> web.Application:
    async def order(request: web.Request) -> web.Response:
        return web.json_response({"id": request.match_info["id"], "item": "anvil"})

    app = web.Application()
    app.router.add_get("/orders/{id}", order)
    return app
