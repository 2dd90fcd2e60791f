"""KrakenD's ``extra_config`` namespaces, and which Propylon module provides each.

An edition may lack a module. Where the missing namespace enforces something (who may call,
how often, what a request must look like), starting anyway would serve without it: a token
check silently skipped answers 200 to anyone. Such namespaces stop the gateway from starting
and name the module to add; the others are warned about.
"""

from __future__ import annotations

from dataclasses import dataclass

# Prefixes of namespaces that enforce something, whoever defines them (company ones included).
ENFORCING_PREFIXES = ("auth/", "security/", "qos/ratelimit/", "validation/", "governance/quota")


@dataclass(frozen=True, slots=True)
class Entry:
    """``module`` is the contributed module (distribution ``propylon-<module>``) providing it;
    empty for a namespace only KrakenD Enterprise or a retired KrakenD release has."""

    module: str = ""
    note: str = ""


_CE: dict[str, str] = {
    "router": "core",
    "proxy": "core",
    "backend/http": "core",
    "plugin/http-server": "core",
    "plugin/http-client": "core",
    "plugin/req-resp-modifier": "core",
    "security/cors": "cors",
    "security/bot-detector": "bot-detector",
    "security/http": "http-secure",
    "auth/validator": "jwt",
    "auth/signer": "jwt",
    "auth/revoker": "revoker",
    "auth/client-credentials": "client-credentials",
    "qos/ratelimit/router": "ratelimit",
    "qos/ratelimit/proxy": "ratelimit",
    "qos/circuit-breaker": "circuit-breaker",
    "qos/http-cache": "http-cache",
    "validation/json-schema": "json-schema",
    "validation/cel": "cel",
    "modifier/lua-endpoint": "lua",
    "modifier/lua-proxy": "lua",
    "modifier/lua-backend": "lua",
    "modifier/martian": "martian",
    "telemetry/logging": "logging",
    "telemetry/gelf": "logging",
    "telemetry/logstash": "logging",
    "telemetry/metrics": "metrics",
    "telemetry/opentelemetry": "opentelemetry",
    "backend/amqp/consumer": "amqp",
    "backend/amqp/producer": "amqp",
    "async/amqp": "amqp",
    "backend/pubsub/publisher": "pubsub",
    "backend/pubsub/subscriber": "pubsub",
    "backend/lambda": "lambda",
    "backend/graphql": "graphql",
}
_RETIRED = {
    "telemetry/influx": "retired by KrakenD: use telemetry/opentelemetry instead",
    "telemetry/opencensus": "retired by KrakenD: use telemetry/opentelemetry instead",
    "github.com/devopsfaith/krakend/http": "the name of backend/http before KrakenD 2",
}
_ENTERPRISE = (
    "ai/llm",
    "ai/mcp",
    "auth/api-keys",
    "auth/aws-sigv4",
    "auth/basic",
    "auth/gcp",
    "auth/ntlm",
    "backend/conditional",
    "backend/grpc",
    "backend/http/client",
    "backend/pubsub/publisher/kafka",
    "backend/pubsub/subscriber/kafka",
    "backend/soap",
    "backend/static-filesystem",
    "documentation/openapi",
    "documentation/postman",
    "governance/processors",
    "governance/quota",
    "grpc",
    "modifier/body-generator",
    "modifier/jmespath",
    "modifier/request-body-extractor",
    "modifier/request-body-generator",
    "modifier/response-body",
    "modifier/response-body-generator",
    "modifier/response-headers",
    "plugin/middleware",
    "qos/circuit-breaker/http",
    "qos/ratelimit/router/redis",
    "qos/ratelimit/service",
    "qos/ratelimit/service/redis",
    "qos/ratelimit/tiered",
    "redis",
    "security/policies",
    "server/static-filesystem",
    "server/virtualhost",
    "telemetry/moesif",
    "telemetry/newrelic",
    "telemetry/opentelemetry-security",
    "validation/response-json-schema",
    "websocket",
    "workflow",
)

CATALOGUE: dict[str, Entry] = {
    **{name: Entry(module) for name, module in _CE.items()},
    **{name: Entry(note=note) for name, note in _RETIRED.items()},
    **{name: Entry(note="a KrakenD Enterprise namespace") for name in _ENTERPRISE},
}


def enforces(namespace: str) -> bool:
    return namespace.startswith(ENFORCING_PREFIXES)


def remedy(namespace: str) -> str:
    """What a user can do about a namespace no module of the edition handles."""
    entry = CATALOGUE.get(namespace)
    if entry is None:
        return "no known module provides it"
    if entry.module and entry.module != "core":
        return (
            f"add the module '{entry.module}' (propylon-{entry.module}) to the edition's manifest"
        )
    if namespace in _RETIRED:
        return f"{entry.note}; no Propylon module reads it"
    return f"{entry.note}, which no Propylon module provides" if entry.note else ""
