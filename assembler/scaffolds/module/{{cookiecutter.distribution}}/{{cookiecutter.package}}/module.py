"""The ``{{ cookiecutter.module_name }}`` module: decorates the handler and proxy factories.

A decorator receives the factory built so far and returns one. For an endpoint without the
namespace it returns what the next factory built, unchanged: such endpoints pay nothing.
"""

from __future__ import annotations

from propylon.sdk import (
    Context,
    EndpointConfig,
    Handler,
    HandlerFactory,
    Module,
    Proxy,
    ProxyFactory,
)

from {{ cookiecutter.package }}.options import STAMP
from {{ cookiecutter.package }}.stamp import new_stamp_handler, new_stamp_proxy


def decorate_handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    def handler_factory(endpoint: EndpointConfig, proxy: Proxy) -> Handler:
        handler = next_factory(endpoint, proxy)
        options = STAMP.of(endpoint)
        return handler if options is None else new_stamp_handler(options)(handler)

    return handler_factory


def decorate_proxy(next_factory: ProxyFactory, ctx: Context) -> ProxyFactory:
    def proxy_factory(endpoint: EndpointConfig) -> Proxy:
        proxy = next_factory(endpoint)
        options = STAMP.of(endpoint)
        return proxy if options is None else new_stamp_proxy(options)(proxy)

    return proxy_factory


module = Module(
    name="{{ cookiecutter.module_name }}",
    namespaces=(STAMP,),
    description="{{ cookiecutter.description }}",
    handler=decorate_handler,
    proxy=decorate_proxy,
)
