"""Router-layer plugin: answers a path itself, and rewrites legacy paths before routing."""

from __future__ import annotations

import json

from aiohttp import web
from propylon.sdk import Handler, Registrar


def register(registrar: Registrar) -> None:
    registrar.server("hello", _hello)
    registrar.server("rewrite", _rewrite)


def _hello(config: dict, next_handler: Handler) -> Handler:
    path = config.get("path", "/__hello")
    greeting = config.get("greeting", "hello from a plugin")

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path != path:
            return await next_handler(request)
        body = json.dumps({"message": greeting}).encode()
        return web.Response(body=body, content_type="application/json")

    return handle


def _rewrite(config: dict, next_handler: Handler) -> Handler:
    prefixes: dict[str, str] = config.get("prefixes", {})

    async def handle(request: web.Request) -> web.StreamResponse:
        for old, new in prefixes.items():
            if request.path.startswith(old):
                rewritten = new + request.path[len(old) :]
                query = request.rel_url.raw_query_string
                return await next_handler(
                    request.clone(rel_url=rewritten + ("?" + query if query else ""))
                )
        return await next_handler(request)

    return handle
