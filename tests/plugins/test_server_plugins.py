"""Router plugins wrap the whole router: a rewritten request is routed again, with its route's
params, and both kinds go through the gateway's other router middlewares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web
from propylon.config import load_service
from propylon.gateway import build_application, edition_modules
from propylon.modules.contract import Module
from propylon.plugin.registry import PluginRegistry

from tests.conftest import get


def _rewrite(_config: dict, next_handler: Any) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path.startswith("/v1/"):
            return await next_handler(request.clone(rel_url=request.path_qs[3:]))
        return await next_handler(request)

    return handle


def _stamping_module() -> Module:
    """A router middleware, as CORS or security headers are: it marks what it saw."""

    @web.middleware
    async def stamp(request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        response.headers["X-Seen-Path"] = request.path
        return response

    def server(app: web.Application, _ctx: Any) -> None:
        app.middlewares.insert(0, stamp)

    return Module(name="stamp", server=server)


def _echo_backend() -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"path": request.path})

    app = web.Application()
    app.router.add_get("/{tail:.*}", echo)
    return app


def _gateway(servers: Any, tmp_path: Path) -> str:
    backend = servers.start(_echo_backend())
    config = {
        "version": 3,
        "extra_config": {"plugin/http-server": {"name": ["rewrite"]}},
        "endpoints": [
            {
                "endpoint": "/users/{id}",
                "backend": [{"host": [backend], "url_pattern": "/people/{id}"}],
            }
        ],
    }
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(config), "utf-8")
    registry = PluginRegistry()
    registry.server["rewrite"] = _rewrite
    modules = [_stamping_module()]
    service = load_service(path, edition_modules(modules))
    return servers.start(build_application(service, modules, plugins=registry))


def test_a_rewritten_request_gets_the_params_of_its_new_route(servers: Any, tmp_path: Path) -> None:
    gateway = _gateway(servers, tmp_path)
    reply = get(gateway + "/v1/users/42")
    assert reply.status == 200
    assert reply.json() == {"path": "/people/42"}


def test_other_router_middlewares_run_after_the_plugins(servers: Any, tmp_path: Path) -> None:
    gateway = _gateway(servers, tmp_path)
    direct = get(gateway + "/users/7")
    assert direct.status == 200
    assert direct.headers["X-Seen-Path"] == "/users/7"
    rewritten = get(gateway + "/v1/users/8")
    assert rewritten.status == 200
    assert rewritten.headers["X-Seen-Path"] == "/users/8"
