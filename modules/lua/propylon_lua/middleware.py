"""Where the scripts run, as krakend-lua places them.

- ``modifier/lua-backend`` (backend layer) and ``modifier/lua-proxy`` (proxy layer): ``pre``
  with ``request``, the next proxy unless ``skip_next``, then ``post`` with ``response``.
  A failed script fails the proxy: 500 with its message, or ``custom_error``'s status.
- ``modifier/lua-endpoint`` on an endpoint (handler layer): ``pre`` with ``ctx`` before the
  endpoint reads the request; ``custom_error`` with a status answers with it (empty body, its
  content type), any other error with 500, logged.
- ``modifier/lua-endpoint`` on the service (server layer): the same before every request;
  every failure is a 500, as KrakenD's engine-wide middleware answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast

from aiohttp import web
from aiohttp.typedefs import Handler as AioHandler
from aiohttp.typedefs import Middleware as AioMiddleware
from propylon.sdk import (
    Answer,
    Handler,
    Proxy,
    Request,
    Response,
    ServerRequest,
    lean_middleware,
)

from propylon_lua.errors import CustomError, ScriptError
from propylon_lua.router import RouterContext
from propylon_lua.script import Script


def new_lua_proxy(script: Script) -> Callable[[Proxy], Proxy]:
    skip_next = script.options.skip_next

    def wrap(next_proxy: Proxy) -> Proxy:
        async def lua_proxy(request: Request) -> Response:
            run = script.start()
            run.bind(b"request", request)
            await run.begin()
            if skip_next:
                response = Response({}, is_complete=False)
            else:
                response = await next_proxy(request)
                if response.error is not None:
                    return response
            run.bind(b"response", response)
            await run.finish()
            return response

        return lua_proxy

    return wrap


async def run_router_script(script: Script, request: ServerRequest) -> ServerRequest:
    """The request as the endpoint's script leaves it; raises what the script raised."""
    ctx = RouterContext(request)
    run = script.start()
    run.bind(b"ctx", ctx)
    await run.begin()
    return ctx.result()


def new_lua_handler(
    script: Script, log: logging.Logger, prefix: str
) -> Callable[[Handler], Handler]:
    def wrap(next_handler: Handler) -> Handler:
        async def lua_handler(request: ServerRequest) -> Answer:
            try:
                changed = await run_router_script(script, request)
            except CustomError as exc:
                headers = [("Content-Type", exc.content_type)] if exc.content_type else []
                return Answer(_status(exc.status_code), headers)
            except ScriptError as exc:
                log.error("%s[Lua] %s", prefix, exc)
                return Answer(500)
            return await next_handler(changed)

        return lua_handler

    return wrap


def new_lua_middleware(script: Script, log: logging.Logger) -> AioMiddleware:
    """The service-level script: it reads and changes only what a ``ServerRequest`` offers,
    so the server's lean lane runs it too."""

    @lean_middleware
    @web.middleware
    async def lua_service(request: ServerRequest, handler: AioHandler) -> web.StreamResponse:
        try:
            changed = await run_router_script(script, request)
        except (CustomError, ScriptError) as exc:
            log.error("[SERVICE][Lua] %s", exc)
            return web.Response(status=500)
        return await handler(cast(web.Request, changed))  # a view of it, where changed

    return lua_service


def _status(status: int) -> int:
    return status if 100 <= status <= 599 else 500
