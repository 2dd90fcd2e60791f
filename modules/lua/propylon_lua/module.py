"""The ``lua`` module: KrakenD's Lua scripting at the server, handler, proxy and backend layers.

LuaJIT and the scripting runtime are imported by the first script built: a gateway without
Lua does not load them.
"""

from __future__ import annotations

from aiohttp import web
from propylon.sdk import (
    BackendConfig,
    BackendFactory,
    Context,
    EndpointConfig,
    Handler,
    HandlerFactory,
    Module,
    Proxy,
    ProxyFactory,
)

from propylon_lua.options import BACKEND, ENDPOINT, PROXY


def backend(next_factory: BackendFactory, ctx: Context) -> BackendFactory:
    def backend_factory(config: BackendConfig) -> Proxy:
        proxy = next_factory(config)
        options = BACKEND.of(config)
        if options is None:
            return proxy
        from propylon_lua.middleware import new_lua_proxy
        from propylon_lua.script import Script

        script = Script(options, ctx.identity.user_agent, config.timeout)
        ctx.log.debug("[BACKEND: %s][Lua] Middleware is now ready", config.url_pattern)
        return new_lua_proxy(script)(proxy)

    return backend_factory


def proxy(next_factory: ProxyFactory, ctx: Context) -> ProxyFactory:
    def proxy_factory(endpoint: EndpointConfig) -> Proxy:
        pipe = next_factory(endpoint)
        options = PROXY.of(endpoint)
        if options is None:
            return pipe
        from propylon_lua.middleware import new_lua_proxy
        from propylon_lua.script import Script

        script = Script(options, ctx.identity.user_agent, endpoint.timeout)
        ctx.log.debug("[ENDPOINT: %s][Lua] Middleware is now ready", endpoint.endpoint)
        return new_lua_proxy(script)(pipe)

    return proxy_factory


def handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    def handler_factory(endpoint: EndpointConfig, pipe: Proxy) -> Handler:
        handle = next_factory(endpoint, pipe)
        options = ENDPOINT.of(endpoint)
        if options is None:
            return handle
        from propylon_lua.middleware import new_lua_handler
        from propylon_lua.script import Script

        script = Script(options, ctx.identity.user_agent, endpoint.timeout)
        prefix = f"[ENDPOINT: {endpoint.endpoint}]"
        return new_lua_handler(script, ctx.log, prefix)(handle)

    return handler_factory


def server(app: web.Application, ctx: Context) -> None:
    options = ENDPOINT.of(ctx.service)
    if options is None:
        return
    from propylon_lua.middleware import new_lua_middleware
    from propylon_lua.script import Script

    script = Script(options, ctx.identity.user_agent, ctx.service.timeout)
    app.middlewares.insert(0, new_lua_middleware(script, ctx.log))
    ctx.log.debug("[SERVICE][Lua] Middleware is now ready")


module = Module(
    name="lua",
    namespaces=(ENDPOINT, PROXY, BACKEND),
    description="Lua scripts on requests and responses (modifier/lua-endpoint, lua-proxy, lua-backend)",
    backend=backend,
    proxy=proxy,
    handler=handler,
    server=server,
)
