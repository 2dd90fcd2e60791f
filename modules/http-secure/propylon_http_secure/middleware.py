"""``security/http`` as an aiohttp middleware: it decides before routing, and the
``on_response_prepare`` signal writes the headers into whatever response the request ends
with (an endpoint's, a 404, an error), just before it is sent.

A response's own value of a security header is kept after the module's, as Go appends it to
the value unrolled/secure set first. Both read only what a ``ServerRequest`` offers and
change only a ``Prepared`` response's headers, so the server's lean lane runs them too.
"""

from __future__ import annotations

from typing import cast

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from propylon.sdk import Prepared, ServerRequest, lean_middleware, lean_receiver

from propylon_http_secure.policy import Incoming, Policy

_KEY = "propylon_http_secure.headers"
HEADERS = web.RequestKey(_KEY, list) if hasattr(web, "RequestKey") else _KEY


def incoming(request: ServerRequest) -> Incoming:
    return Incoming(
        request.method,
        request.headers.get("Host", ""),
        request.headers,
        request.secure,
        request.raw_path,
    )


def new_middleware(policy: Policy) -> Middleware:
    @lean_middleware
    @web.middleware
    async def secure(request: ServerRequest, handler: Handler) -> web.StreamResponse:
        decided = policy.decide(incoming(request))
        if not isinstance(decided, list):
            return web.Response(status=decided.status, body=decided.body, headers=decided.headers)
        request[HEADERS] = decided
        return await handler(cast(web.Request, request))  # the lane's handler takes its own

    return secure


@lean_receiver
async def write_headers(request: ServerRequest, response: Prepared) -> None:
    if HEADERS not in request:
        return
    headers = request[HEADERS]
    for name, value in headers:
        own = response.headers.getall(name, [])
        response.headers.popall(name, None)
        response.headers.add(name, value)
        for other in own:
            if other != value:
                response.headers.add(name, other)


def install(app: web.Application, policy: Policy) -> None:
    """Inserted first: server decorations stack outward, later ones wrap this one."""
    app.middlewares.insert(0, new_middleware(policy))
    app.on_response_prepare.append(write_headers)
