"""``plugin/http-server``: plugin handlers wrapped around the router, first named outermost."""

from __future__ import annotations

import contextvars
import logging

from aiohttp import web

from propylon.plugin.api import PluginError
from propylon.plugin.config import plugin_config, plugin_names
from propylon.plugin.registry import PluginRegistry
from propylon.proxy.errors import status_of
from propylon.router.handler import Handler

NAMESPACE = "plugin/http-server"
# The path the router matched before the plugins ran; a plugin that changes it is re-routed.
_ROUTED_PATH: contextvars.ContextVar[str] = contextvars.ContextVar("propylon_routed_path")


def install_server_plugins(
    app: web.Application, options: dict, registry: PluginRegistry, log: logging.Logger
) -> None:
    chain: Handler = _new_dispatcher(app)
    applied = []
    for name in reversed(plugin_names(options, f"extra_config.{NAMESPACE}")):
        factory = registry.server.get(name)
        if factory is None:
            log.error("%s: no server handler named %r is registered: skipped", NAMESPACE, name)
            continue
        try:
            chain = factory(plugin_config(options, name), chain)
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
    async def server_plugins(request: web.Request, handler: Handler) -> web.StreamResponse:
        # The routed handler is reached through the chain's innermost dispatcher instead.
        _ROUTED_PATH.set(request.path)
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


def _new_dispatcher(app: web.Application) -> Handler:
    """The gateway itself as a plugin's ``next``: routes the request again if its path changed."""

    async def dispatch(request: web.Request) -> web.StreamResponse:
        match_info = request.match_info
        if _ROUTED_PATH.get("") != request.path:
            match_info = await app.router.resolve(request)
            match_info.add_app(app)
            match_info.freeze()
            request._match_info = match_info  # as aiohttp's Application does when routing
        return await match_info.handler(request)

    return dispatch
