"""The ``json-schema`` module: endpoints' request bodies validated in the proxy layer."""

from __future__ import annotations

from propylon.sdk import Context, EndpointConfig, Module, Proxy, ProxyFactory

from propylon_json_schema.options import JSON_SCHEMA


def proxy(next_factory: ProxyFactory, ctx: Context) -> ProxyFactory:
    def proxy_factory(endpoint: EndpointConfig) -> Proxy:
        pipe = next_factory(endpoint)
        options = JSON_SCHEMA.of(endpoint)
        if options is None:
            return pipe
        from propylon_json_schema.middleware import new_validator

        ctx.log.debug(
            "[ENDPOINT: %s %s][JSONSchema] Validator enabled", endpoint.method, endpoint.endpoint
        )
        return new_validator(options)(pipe)

    return proxy_factory


module = Module(
    name="json-schema",
    namespaces=(JSON_SCHEMA,),
    description="Request bodies validated against a JSON Schema (validation/json-schema), 400 if not",
    proxy=proxy,
)
