"""Shadow backends: called with a copy of the request, their answer dropped.

As KrakenD: a backend with ``"shadow": true`` in its ``proxy`` namespace is left out of the
endpoint's pipe and gets a pipe of its own, started beside it in the background. The client
gets the regular pipe's answer as soon as it has it; the shadow call neither delays nor fails
it, and runs until it ends or its own timeout passes (``shadow_timeout``, else the backend's
timeout), whatever happens to the client's request meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import replace

from propylon.config.core_options import PROXY
from propylon.config.model import BackendConfig, EndpointConfig
from propylon.proxy.errors import ProxyError
from propylon.proxy.types import Proxy, ProxyFactory, Request, Response


def is_shadow(backend: BackendConfig) -> bool:
    options = PROXY.of(backend)
    return options is not None and options.shadow


def shadow_timeout(backend: BackendConfig) -> float:
    options = PROXY.of(backend)
    if options is not None and options.shadow_timeout:
        return options.shadow_timeout
    return backend.timeout


class OnlyShadowsError(ProxyError):
    def __init__(self) -> None:
        super().__init__("every backend of the endpoint is a shadow: none answers")


def new_shadow_factory(next_factory: ProxyFactory) -> ProxyFactory:
    """Builds the regular and the shadow backends of an endpoint apart, with ``next_factory``."""

    def factory(endpoint: EndpointConfig) -> Proxy:
        shadow = [b for b in endpoint.backend if is_shadow(b)]
        regular = [b for b in endpoint.backend if not is_shadow(b)]
        if not shadow:
            return next_factory(endpoint)
        if not regular:  # KrakenD refuses to build such an endpoint
            return _only_shadows
        main = next_factory(replace(endpoint, backend=regular))
        shadowed = next_factory(replace(endpoint, backend=shadow))
        return new_shadow(max(shadow_timeout(b) for b in shadow))(main, shadowed)

    return factory


def new_shadow(timeout: float) -> Callable[[Proxy, Proxy], Proxy]:
    """``(main, shadow) -> Proxy``: answers with ``main``; ``shadow`` runs detached."""

    def middleware(main: Proxy, shadow: Proxy) -> Proxy:
        running: set[asyncio.Task[None]] = set()  # held until done: the loop keeps weak refs

        async def call_shadow(request: Request) -> None:
            with contextlib.suppress(Exception, TimeoutError):
                async with asyncio.timeout(timeout):
                    await shadow(request)

        async def shadowed(request: Request) -> Response:
            task = asyncio.ensure_future(call_shadow(request.clone()))
            running.add(task)
            task.add_done_callback(running.discard)
            return await main(request)

        return shadowed

    return middleware


async def _only_shadows(_request: Request) -> Response:
    raise OnlyShadowsError()
