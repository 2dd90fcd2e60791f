"""The ``pubsub`` module: ``backend/pubsub/publisher`` and ``backend/pubsub/subscriber``.

A backend with either namespace is served by its broker instead of HTTP: the module supplies
its executor at the client layer, outermost, so no HTTP client decoration applies to it (as in
KrakenD, where the pubsub factory replaces the HTTP backend), while the backend proxy still
decodes and shapes what a subscription receives. Connections are made once per gateway, in the
background when it starts: an unreachable broker fails only the requests that need it.
"""

from __future__ import annotations

from aiohttp import web
from propylon.sdk import BackendConfig, ClientFactory, Context, HTTPExecutor, Module, get_logger

from propylon_pubsub.brokers import Brokers
from propylon_pubsub.checks import backend_url, check_service
from propylon_pubsub.options import PUBLISHER, SUBSCRIBER
from propylon_pubsub.transport import new_publisher, new_subscriber

log = get_logger("pubsub")

# The brokers of each gateway being built, until its application takes them.
_building: dict[int, Brokers] = {}


def client(next_factory: ClientFactory, ctx: Context) -> ClientFactory:
    brokers = _building[id(ctx)] = Brokers(log)

    def client_factory(backend: BackendConfig) -> HTTPExecutor:
        url = backend_url(backend)
        if url is None:
            return next_factory(backend)
        driver = brokers.driver(url)
        if SUBSCRIBER.of(backend) is not None:
            log.debug("[BACKEND: %s][PubSub] subscriber on %s", backend.url_pattern, url.text)
            return new_subscriber(driver.subscription(url), url.text)
        log.debug("[BACKEND: %s][PubSub] publisher to %s", backend.url_pattern, url.text)
        return new_publisher(driver.topic(url), url.text)

    return client_factory


def server(app: web.Application, ctx: Context) -> None:
    brokers = _building.pop(id(ctx), None)
    if brokers is None:
        return

    async def start(_app: web.Application) -> None:
        await brokers.start()

    async def close(_app: web.Application) -> None:
        await brokers.close()

    app.on_startup.append(start)
    app.on_cleanup.append(close)


module = Module(
    name="pubsub",
    namespaces=(PUBLISHER, SUBSCRIBER),
    description="Publish/subscribe backends (backend/pubsub/*): mem://, nats://, rabbit://",
    client=client,
    server=server,
    prefork=check_service,
    order={"client": 1000},
)
