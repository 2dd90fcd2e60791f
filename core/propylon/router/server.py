"""The server factory: the aiohttp application with every endpoint and the gateway's own paths."""

from __future__ import annotations

from aiohttp import web

from propylon.config.core_options import ROUTER, RouterOptions
from propylon.context import Context
from propylon.proxy.factory import ProxyFactory
from propylon.router import system
from propylon.router.access import new_access_log
from propylon.router.clientip import install, new_client_ip_finder
from propylon.router.factory import HandlerFactory
from propylon.router.fallback import ANY, Fallback
from propylon.router.handler import AioHandler, served
from propylon.router.lean import lean_signal
from propylon.router.protocol import ServerOptions

DEFAULT_MAX_PAYLOAD = 10 << 20
ALL_METHODS = "*"  # aiohttp's wildcard method


def new_application(
    ctx: Context, proxy_factory: ProxyFactory, handler_factory: HandlerFactory
) -> web.Application:
    service = ctx.service
    options = ROUTER.of(service) or RouterOptions()
    fallback = Fallback(ctx.identity)
    fallback.redirect_fixed_path = not options.disable_redirect_fixed_path
    fallback.redirect_trailing_slash = not options.disable_redirect_trailing_slash
    fallback.method_not_allowed = not options.disable_handle_method_not_allowed
    fallback.remove_extra_slash = options.remove_extra_slash
    fallback.set_error_bodies(options.error_body)
    app = web.Application(
        client_max_size=options.max_payload or DEFAULT_MAX_PAYLOAD,
        handler_args=ServerOptions.from_service(service).handler_args(),
    )
    install(app, new_client_ip_finder(options))
    if not options.disable_access_log:
        app.middlewares.append(new_access_log(options.logger_skip_paths))
    methods: dict[str, list[str]] = {}
    for endpoint in service.endpoints:
        handler = served(handler_factory(endpoint, proxy_factory(endpoint)))
        app.router.add_route(endpoint.method, endpoint.endpoint, handler)
        fallback.add(endpoint.method, endpoint.endpoint)
        methods.setdefault(endpoint.endpoint, []).append(endpoint.method.upper())
    if options.auto_options:
        _add_options_routes(app.router, fallback, methods, ctx)
    _add_system_routes(app.router, fallback, ctx, options)
    app.router.add_route(ALL_METHODS, "/{path:.*}", fallback.handle)
    app.on_cleanup.append(lambda _app: ctx.pool.close())
    app.on_response_prepare.append(_hide_server_software)
    return app


def _add_options_routes(
    router: web.UrlDispatcher, fallback: Fallback, methods: dict[str, list[str]], ctx: Context
) -> None:
    """``auto_options``: OPTIONS on every endpoint path answers 200 with its methods in
    ``Allow``, as KrakenD's router does (a path declaring OPTIONS itself keeps its own)."""
    headers = {ctx.identity.header_name: ctx.identity.header_value}
    for path, declared in methods.items():
        if "OPTIONS" in declared:
            continue
        allowed = {**headers, "Allow": ", ".join(sorted(set(declared)))}

        async def options(_request: web.Request, allowed: dict[str, str] = allowed) -> web.Response:
            return web.Response(headers=allowed)

        router.add_route("OPTIONS", path, options)
        fallback.add("OPTIONS", path)


@lean_signal  # the lean lane writes no Server header
async def _hide_server_software(_request: web.Request, response: web.StreamResponse) -> None:
    """aiohttp announces itself and its version in ``Server``; the gateway tells nobody."""
    response.headers.popall("Server", None)


def _add_system_routes(
    router: web.UrlDispatcher, fallback: Fallback, ctx: Context, options: RouterOptions
) -> None:
    if not options.disable_health:
        path = options.health_path
        router.add_route("GET", path, system.health)
        fallback.add("GET", path)
    catch_alls: list[tuple[str, AioHandler]] = []
    if ctx.debug or ctx.service.debug_endpoint:
        catch_alls.append(("/__debug/", system.new_debug_handler(ctx.log)))
    if ctx.service.echo_endpoint:
        catch_alls.append(("/__echo/", system.echo))
    for prefix, handler in catch_alls:
        router.add_route(ALL_METHODS, prefix, handler)
        router.add_route(ALL_METHODS, prefix + "{param:.*}", handler)
        fallback.add(ANY, prefix)
