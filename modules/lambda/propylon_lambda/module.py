"""The ``lambda`` module: ``backend/lambda``.

Two decorations of the same backend: at the backend layer, where KrakenD places its Lambda
factory, the request is turned into an invocation (function and payload); at the client
layer, outermost, the SDK call replaces the HTTP call, so no HTTP client decoration applies,
while the backend proxy still checks, decodes and shapes the answer.
"""

from __future__ import annotations

from aiohttp import web
from propylon.sdk import (
    BackendConfig,
    BackendFactory,
    ClientFactory,
    Context,
    HTTPExecutor,
    Module,
    Proxy,
    ServiceConfig,
    get_logger,
)

from propylon_lambda.invoker import Clients, load_sdk, new_invoker
from propylon_lambda.options import LAMBDA
from propylon_lambda.request import new_invocation

log = get_logger("lambda")

# The SDK clients of each gateway being built, until its application takes them (to close).
_building: dict[int, Clients] = {}


def backend(next_factory: BackendFactory, ctx: Context) -> BackendFactory:
    def backend_factory(config: BackendConfig) -> Proxy:
        proxy = next_factory(config)
        options = LAMBDA.of(config)
        if options is None:
            return proxy
        log.debug("[BACKEND: %s][Lambda] component enabled", config.url_pattern)
        return new_invocation(options, config.method)(proxy)

    return backend_factory


def client(next_factory: ClientFactory, ctx: Context) -> ClientFactory:
    clients = _building[id(ctx)] = Clients()

    def client_factory(config: BackendConfig) -> HTTPExecutor:
        options = LAMBDA.of(config)
        return next_factory(config) if options is None else new_invoker(options, clients)

    return client_factory


def server(app: web.Application, ctx: Context) -> None:
    clients = _building.pop(id(ctx), None)
    if clients is not None:

        async def close(_app: web.Application) -> None:
            await clients.close()

        app.on_cleanup.append(close)


def prefork(service: ServiceConfig, _workers: int) -> None:
    """With a Lambda backend, the SDK is imported before the workers fork: one copy shared
    by all of them instead of one per worker."""
    if any(LAMBDA.of(b) is not None for e in service.endpoints for b in e.backend):
        load_sdk()


module = Module(
    name="lambda",
    namespaces=(LAMBDA,),
    description="AWS Lambda functions as backends (backend/lambda)",
    backend=backend,
    client=client,
    server=server,
    prefork=prefork,
    # Backend layer: above martian, where KrakenD stacks its Lambda factory.
    order={"backend": 150, "client": 1000},
)
