"""Factories of the proxy layers: a backend -> its Proxy, an endpoint -> its pipe of proxies.

Modules decorate these factories (see ``propylon.modules``); the defaults follow Lura: per
backend, request builder -> concurrent calls -> load balancer -> HTTP call; per endpoint, a
merge of the backends (parallel or sequential), then the static data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from propylon.config.model import BackendConfig, EndpointConfig
from propylon.proxy.concurrent import new_concurrent
from propylon.proxy.errors import TimeoutExceeded
from propylon.proxy.flatmap import compile_flatmap
from propylon.proxy.http import new_http_proxy
from propylon.proxy.merge import new_parallel_merge, new_sequential_merge
from propylon.proxy.request import new_load_balancer, new_request_builder
from propylon.proxy.static import new_static_middleware, static_config
from propylon.proxy.types import Proxy, Request, Response
from propylon.transport.client import HTTPExecutor

ClientFactory = Callable[[BackendConfig], HTTPExecutor]
BackendFactory = Callable[[BackendConfig], Proxy]
ProxyFactory = Callable[[EndpointConfig], Proxy]


def new_backend_factory(client_factory: ClientFactory) -> BackendFactory:
    def backend_factory(backend: BackendConfig) -> Proxy:
        return new_http_proxy(backend, client_factory(backend))

    return backend_factory


def new_proxy_factory(backend_factory: BackendFactory) -> ProxyFactory:
    def proxy_factory(endpoint: EndpointConfig) -> Proxy:
        pipes = [_backend_pipe(endpoint, b, backend_factory) for b in endpoint.backend]
        if len(pipes) == 1:
            proxy = new_deadline(endpoint.timeout, pipes[0])
        else:
            options = endpoint.extra_config.get("proxy") or {}
            merge = new_sequential_merge if options.get("sequential") else new_parallel_merge
            proxy = merge(endpoint, pipes)
            flatmap = compile_flatmap(options.get("flatmap_filter"))
            if flatmap is not None:
                proxy = _new_endpoint_flatmap(flatmap, proxy)
        static = static_config(endpoint.extra_config)
        if static is not None:
            proxy = new_static_middleware(*static, proxy)
        return proxy

    return proxy_factory


def _backend_pipe(
    endpoint: EndpointConfig, backend: BackendConfig, factory: BackendFactory
) -> Proxy:
    proxy = new_load_balancer(backend, factory(backend))
    if endpoint.concurrent_calls > 1:
        proxy = new_concurrent(endpoint.concurrent_calls, endpoint.timeout, proxy)
    return new_request_builder(backend, proxy)


def new_deadline(timeout: float, next_proxy: Proxy) -> Proxy:
    """Fails the call once the endpoint's timeout has passed."""

    async def deadline(request: Request) -> Response:
        try:
            async with asyncio.timeout(timeout):
                return await next_proxy(request)
        except TimeoutError:
            raise TimeoutExceeded() from None

    return deadline


def _new_endpoint_flatmap(flatmap: Callable[[dict], dict], next_proxy: Proxy) -> Proxy:
    async def endpoint_flatmap(request: Request) -> Response:
        response = await next_proxy(request)
        if response.error is None:
            response.data = flatmap(response.data)
        return response

    return endpoint_flatmap
