"""CORS around the whole router, as KrakenD wraps its engine: preflights never reach routing.

The middleware decides; the ``on_response_prepare`` receiver writes the headers, so they reach
every response (handler results, raised HTTP errors, streamed bodies) just before it is sent.
Both read only what a ``ServerRequest`` offers and change only a ``Prepared`` response's
headers, so the server's lean lane runs them too.
"""

from __future__ import annotations

from typing import cast

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from propylon.sdk import Prepared, ServerRequest, lean_middleware, lean_receiver

from propylon_cors.policy import Answer, Policy

# A typed key where aiohttp has them; core's oldest supported aiohttp takes a plain string.
_KEY = "propylon_cors.answer"
ANSWER = web.RequestKey(_KEY, Answer) if hasattr(web, "RequestKey") else _KEY


def new_middleware(policy: Policy) -> Middleware:
    passthrough = policy.passthrough
    status = policy.success_status

    @lean_middleware
    @web.middleware
    async def cors(request: ServerRequest, handler: Handler) -> web.StreamResponse:
        if policy.is_preflight(request.method, request.headers):
            request[ANSWER] = policy.preflight(request.headers)
            if not passthrough:
                return web.Response(status=status)
        else:
            request[ANSWER] = policy.actual(request.method, request.headers)
        return await handler(cast(web.Request, request))  # the lane's handler takes its own

    return cors


@lean_receiver
async def write_headers(request: ServerRequest, response: Prepared) -> None:
    """Adds the decided headers; a header the handler already set wins, as in Go."""
    if ANSWER not in request:
        return
    answer: Answer = request[ANSWER]
    response.headers.add("Vary", answer.vary)
    for name in dict.fromkeys(answer.headers):
        if name not in response.headers:
            for value in answer.headers.getall(name):
                response.headers.add(name, value)


def install(app: web.Application, policy: Policy) -> None:
    """Inserted first: server decorations stack outward, and CORS wraps the router's guards."""
    app.middlewares.insert(0, new_middleware(policy))
    app.on_response_prepare.append(write_headers)
