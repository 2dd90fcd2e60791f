"""The ``martian`` module: KrakenD's ``modifier/martian`` per backend, at the outermost place of
the client layer, as KrakenD wraps the backend's HTTP executor (over the client credentials,
the cache and the plugins' clients)."""

from __future__ import annotations

from propylon.sdk import BackendConfig, ClientFactory, Context, HTTPExecutor, Module

from propylon_martian.definition import Result
from propylon_martian.options import MARTIAN
from propylon_martian.transport import new_martian_client

# Outside every other client decoration (KrakenD CE's places them from 0 to 300).
CLIENT_ORDER = 1000


def client(next_factory: ClientFactory, ctx: Context) -> ClientFactory:
    def client_factory(backend: BackendConfig) -> HTTPExecutor:
        execute = next_factory(backend)
        options = MARTIAN.of(backend)
        if options is None or options.modifiers == Result():
            return execute
        ctx.log.debug("[BACKEND: %s][MARTIAN] modifiers are ready", backend.url_pattern)
        return new_martian_client(options.modifiers)(execute)

    return client_factory


module = Module(
    name="martian",
    namespaces=(MARTIAN,),
    description="Martian request and response modifiers (modifier/martian) at the backends",
    client=client,
    order={"client": CLIENT_ORDER},
)
