"""``plugin/http-server``: plugin handlers wrapped around the router, first named outermost.

As in KrakenD, where they wrap the whole router: a plugin sees the client's request before
the gateway's other router middlewares (CORS, security headers...) and may answer it, or pass
it on, changed or not. A request passed on with another method or path is routed again, and
goes through those middlewares to the handler of its new route.
"""

from __future__ import annotations

import logging
from functools import partial

from aiohttp import web

from propylon.config.core_options import PLUGIN_SERVER, PluginOptions
from propylon.plugin.api import PluginError
from propylon.plugin.registry import PluginRegistry
from propylon.proxy.errors import status_of
from propylon.router.handler import AioHandler
from propylon.router.keys import request_key, state_of

NAMESPACE = PLUGIN_SERVER.name
# Where the router sent a request before the plugins ran, and the rest of its way there.
_ROUTED = request_key("plugin_routed", tuple)
_INNER = request_key("plugin_inner_handler", object)


def install_server_plugins(
    app: web.Application, options: PluginOptions, registry: PluginRegistry, log: logging.Logger
) -> None:
    inner_middlewares = list(app.middlewares)  # those after the plugins, when installed
    chain: AioHandler = _new_dispatcher(app, inner_middlewares)
    applied = []
    for name in reversed(options.name):
        factory = registry.server.get(name)
        if factory is None:
            log.error("%s: no server handler named %r is registered: skipped", NAMESPACE, name)
            continue
        try:
            chain = factory(options.config_of(name), chain)
        except Exception as exc:
            log.error(
                "%s: %r failed to start (%s: %s): skipped", NAMESPACE, name, type(exc).__name__, exc
            )
            continue
        applied.append(name)
    if not applied:
        return
    outermost = chain

    @web.middleware
    async def server_plugins(request: web.Request, handler: AioHandler) -> web.StreamResponse:
        request[_ROUTED] = (request.method, request.path)
        request[_INNER] = handler  # the other middlewares, then the routed handler
        try:
            return await outermost(request)
        except web.HTTPException:
            raise
        except PluginError as exc:
            log.error("%s: %s %s: %s", NAMESPACE, request.method, request.path, exc)
            return web.Response(status=status_of(exc))
        except Exception as exc:
            log.error(
                "%s: %s %s: %s: %s",
                NAMESPACE,
                request.method,
                request.path,
                type(exc).__name__,
                exc,
            )
            return web.Response(status=500)

    app.middlewares.insert(0, server_plugins)


def _new_dispatcher(app: web.Application, inner_middlewares: list) -> AioHandler:
    """The gateway itself as a plugin's ``next``: a request still going where the router sent
    it continues there; one the plugins rewrote is routed again (its route's params kept under
    its state's ``route_match``) and sent through the same middlewares to its new route's handler."""

    async def dispatch(request: web.Request) -> web.StreamResponse:
        if request.get(_ROUTED) == (request.method, request.path):
            return await request[_INNER](request)
        match_info = await app.router.resolve(request)
        if match_info.http_exception is not None:
            raise match_info.http_exception
        state_of(request).route_match = match_info
        handler: AioHandler = match_info.handler
        for middleware in reversed(inner_middlewares):
            handler = partial(middleware, handler=handler)
        return await handler(request)

    return dispatch
