"""The ``graphql`` module: ``backend/graphql``, outermost at the backend layer, where Lura
wraps the backend with it: the request every inner step (and the HTTP call) sees is the
GraphQL one."""

from __future__ import annotations

from propylon.sdk import BackendConfig, BackendFactory, Context, Module, Proxy, get_logger

from propylon_graphql.options import GRAPHQL
from propylon_graphql.request import new_graphql

log = get_logger("graphql")


def backend(next_factory: BackendFactory, ctx: Context) -> BackendFactory:
    def backend_factory(config: BackendConfig) -> Proxy:
        proxy = next_factory(config)
        options = GRAPHQL.of(config)
        if options is None:
            return proxy
        log.debug(
            "[BACKEND: %s][GraphQL] operation: %s, method: %s",
            config.url_pattern,
            options.type,
            options.method,
        )
        return new_graphql(options)(proxy)

    return backend_factory


module = Module(
    name="graphql",
    namespaces=(GRAPHQL,),
    description="GraphQL backends (backend/graphql): queries and mutations from REST endpoints",
    backend=backend,
    order={"backend": 900},
)
