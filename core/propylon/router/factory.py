"""The handler factory: an endpoint and its proxy -> the aiohttp handler that serves it."""

from __future__ import annotations

from collections.abc import Callable

from propylon.config.core_options import ROUTER, RouterOptions
from propylon.config.model import EndpointConfig
from propylon.context import Context
from propylon.proxy.types import Proxy
from propylon.router.clientip import new_client_ip_finder
from propylon.router.handler import Handler, new_endpoint_handler
from propylon.router.request import DEFAULT_READ_TIMEOUT

HandlerFactory = Callable[[EndpointConfig, Proxy], Handler]


def new_handler_factory(ctx: Context) -> HandlerFactory:
    options = ROUTER.of(ctx.service) or RouterOptions()
    return_error_msg = options.return_error_msg
    read_timeout = ctx.service.read_timeout or DEFAULT_READ_TIMEOUT
    path_decoding = not options.disable_path_decoding
    client_ip = new_client_ip_finder(options)

    def handler_factory(endpoint: EndpointConfig, proxy: Proxy) -> Handler:
        return new_endpoint_handler(
            endpoint,
            proxy,
            ctx.identity,
            return_error_msg,
            ctx.log,
            read_timeout,
            path_decoding,
            client_ip,
        )

    return handler_factory
