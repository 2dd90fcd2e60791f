"""The ``http-cache`` module: ``qos/http-cache`` at the client layer, where KrakenD wraps the
backends' HTTP client with its cache (below ``backend/http``'s status check and decoding, so a
cached response is decoded and filtered like a fresh one).

Memory stores live in the worker process; with several workers each has its own, as each
KrakenD process does, unless ``redis`` is configured.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from propylon.sdk import (
    BackendConfig,
    ClientFactory,
    Context,
    HTTPExecutor,
    Module,
    get_logger,
)

from propylon_http_cache.options import HTTP_CACHE
from propylon_http_cache.store import Store
from propylon_http_cache.stores import Stores, prefork
from propylon_http_cache.transport import new_caching_client

# Observes each backend's store as it is made (tests measure them).
Observer = Callable[[BackendConfig, Store], None]


def new_module(observe: Observer | None = None) -> Module:
    # The stores of each gateway being built, until its application takes them (to close).
    building: dict[int, Stores] = {}

    def client(next_factory: ClientFactory, ctx: Context) -> ClientFactory:
        log = get_logger("http-cache")
        stores = building[id(ctx)] = Stores(ctx.service, log)

        def client_factory(backend: BackendConfig) -> HTTPExecutor:
            execute = next_factory(backend)
            options = HTTP_CACHE.of(backend)
            if options is None:
                return execute
            store = stores.for_backend(backend, options)
            if observe is not None:
                observe(backend, store)
            log.debug(
                "[BACKEND: %s][HTTP-CACHE] caching responses (%s)",
                backend.url_pattern,
                type(store).__name__,
            )
            return new_caching_client(store)(execute)

        return client_factory

    def server(app: web.Application, ctx: Context) -> None:
        stores = building.pop(id(ctx), None)
        if stores is not None:

            async def close(_app: web.Application) -> None:
                await stores.close()

            app.on_cleanup.append(close)

    return Module(
        name="http-cache",
        namespaces=(HTTP_CACHE,),
        description="Backend response cache (qos/http-cache) following Cache-Control",
        client=client,
        server=server,
        prefork=prefork,
    )


module = new_module()
