"""{{ cookiecutter.description }}."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from propylon.config import ConfigError, EndpointConfig
from propylon.context import Context
from propylon.modules import Module
from propylon.proxy.factory import ProxyFactory
from propylon.proxy.types import Proxy, Request, Response
from propylon.router.factory import HandlerFactory

NAMESPACE = "{{ cookiecutter.namespace }}"
DEFAULTS = {"header": "X-Hello", "value": "world", "field": "hello"}


def validate(namespace: str, config: Any, where: str) -> None:
    if not isinstance(config, dict):
        raise ConfigError("expected an object", where=where)
    for key, value in config.items():
        if key not in DEFAULTS:
            raise ConfigError(f"unknown field {key!r}", where=f"{where}.{key}")
        if not isinstance(value, str) or not value:
            raise ConfigError("expected a non-empty string", where=f"{where}.{key}")


def _options(endpoint: EndpointConfig) -> dict[str, str] | None:
    config = endpoint.extra_config.get(NAMESPACE)
    return None if config is None else {**DEFAULTS, **config}


def decorate_handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    def handler_factory(endpoint: EndpointConfig, proxy: Proxy):
        handler = next_factory(endpoint, proxy)
        options = _options(endpoint)
        if options is None:
            return handler

        async def stamped(request: web.Request) -> web.StreamResponse:
            response = await handler(request)
            response.headers[options["header"]] = options["value"]
            return response

        return stamped

    return handler_factory


def decorate_proxy(next_factory: ProxyFactory, ctx: Context) -> ProxyFactory:
    def proxy_factory(endpoint: EndpointConfig) -> Proxy:
        proxy = next_factory(endpoint)
        options = _options(endpoint)
        if options is None:
            return proxy

        async def stamped(request: Request) -> Response:
            response = await proxy(request)
            response.data[options["field"]] = options["value"]
            return response

        return stamped

    return proxy_factory


module = Module(
    name="{{ cookiecutter.module_name }}",
    namespaces=(NAMESPACE,),
    description="{{ cookiecutter.description }}",
    validate=validate,
    handler=decorate_handler,
    proxy=decorate_proxy,
)
