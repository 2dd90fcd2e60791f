"""Factories of the proxy layers: a backend -> its Proxy, an endpoint -> its pipe of proxies.

Modules decorate these factories (see ``propylon.modules``). The defaults follow Lura: per
backend, request builder -> concurrent calls -> load balancer -> the backend proxy (HTTP
call); per endpoint, the deadline around a lone backend or a merge of several (parallel or
sequential) and its flatmap, then the static data; shadow backends apart, in the background.
"""

from __future__ import annotations

from propylon.config.core_options import PROXY
from propylon.config.model import BackendConfig, EndpointConfig
from propylon.proxy.concurrent import new_concurrent
from propylon.proxy.deadline import new_deadline
from propylon.proxy.flatmap import new_flatmap
from propylon.proxy.http import new_http_proxy
from propylon.proxy.merge import new_merge
from propylon.proxy.request import new_load_balancer, new_request_builder
from propylon.proxy.shadow import new_shadow_factory
from propylon.proxy.static import new_static
from propylon.proxy.types import BackendFactory, Proxy, ProxyFactory
from propylon.transport.client import ClientFactory

__all__ = [
    "BackendFactory",
    "ClientFactory",
    "ProxyFactory",
    "new_backend_factory",
    "new_backend_pipe",
    "new_default_proxy_factory",
    "new_proxy_factory",
]


def new_backend_factory(client_factory: ClientFactory) -> BackendFactory:
    def backend_factory(backend: BackendConfig) -> Proxy:
        return new_http_proxy(backend, client_factory(backend))

    return backend_factory


def new_proxy_factory(backend_factory: BackendFactory) -> ProxyFactory:
    """The default pipes, shadow backends split off first (KrakenD's stack)."""
    return new_shadow_factory(new_default_proxy_factory(backend_factory))


def new_default_proxy_factory(backend_factory: BackendFactory) -> ProxyFactory:
    def proxy_factory(endpoint: EndpointConfig) -> Proxy:
        options = PROXY.of(endpoint)
        pipes = [new_backend_pipe(endpoint, b, backend_factory) for b in endpoint.backend]
        if len(pipes) == 1:
            proxy = new_deadline(endpoint.timeout)(pipes[0])
        else:
            proxy = new_merge(endpoint)(*pipes)
            if options is not None:
                proxy = new_flatmap(options.flatmap_filter)(proxy)
        if options is not None and options.static is not None:
            proxy = new_static(options.static)(proxy)
        return proxy

    return proxy_factory


def new_backend_pipe(
    endpoint: EndpointConfig, backend: BackendConfig, backend_factory: BackendFactory
) -> Proxy:
    """One backend's stack, innermost first, as Lura's ``newStack``."""
    proxy = new_load_balancer(backend)(backend_factory(backend))
    if endpoint.concurrent_calls > 1:
        proxy = new_concurrent(endpoint.concurrent_calls, endpoint.timeout)(proxy)
    return new_request_builder(backend)(proxy)
