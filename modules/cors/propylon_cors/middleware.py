"""CORS around the whole router, as KrakenD wraps its engine: preflights never reach routing.

The middleware decides; the ``on_response_prepare`` signal writes the headers, so they reach
every response (handler results, raised HTTP errors, streamed bodies) just before it is sent.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from propylon_cors.policy import Answer, Policy

# A typed key where aiohttp has them; core's oldest supported aiohttp takes a plain string.
_KEY = "propylon_cors.answer"
ANSWER = web.RequestKey(_KEY, Answer) if hasattr(web, "RequestKey") else _KEY


def new_middleware(policy: Policy) -> Middleware:
    passthrough = policy.passthrough
    status = policy.success_status

    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        if policy.is_preflight(request.method, request.headers):
            request[ANSWER] = policy.preflight(request.headers)
            if not passthrough:
                return web.Response(status=status)
        else:
            request[ANSWER] = policy.actual(request.method, request.headers)
        return await handler(request)

    return cors


async def write_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Adds the decided headers; a header the handler already set wins, as in Go."""
    answer: Answer | None = request.get(ANSWER)
    if answer is None:
        return
    response.headers.add("Vary", answer.vary)
    for name in dict.fromkeys(answer.headers):
        if name not in response.headers:
            for value in answer.headers.getall(name):
                response.headers.add(name, value)


def install(app: web.Application, policy: Policy) -> None:
    """Inserted first: server decorations stack outward, and CORS wraps the router's guards."""
    app.middlewares.insert(0, new_middleware(policy))
    app.on_response_prepare.append(write_headers)
