"""The module contract: what a module declares and which factory layers it decorates.

A module is a distribution with an entry point in the ``propylon.modules`` group that
names a ``Module``. Each decorator receives the factory built so far and the shared
``Context`` and returns a factory. Per layer, decorators apply by ``order`` (lower is
inner: closer to the backend), then by the edition's registry order; ``LAYER_ORDER`` gives
the positions KrakenD CE uses, so modules stack as they do there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from propylon.config.model import ServiceConfig
from propylon.config.namespace import Namespace
from propylon.context import Context
from propylon.proxy.factory import BackendFactory, ClientFactory, ProxyFactory
from propylon.router.factory import HandlerFactory

ENTRY_POINT_GROUP = "propylon.modules"
LAYERS = ("client", "backend", "proxy", "handler", "server")
DEFAULT_ORDER = 500

# Positions of KrakenD CE's modules in each layer (lower is inner).
LAYER_ORDER: dict[str, dict[str, int]] = {
    "client": {
        "plugin/http-client": 0,
        "auth/client-credentials": 100,
        "qos/http-cache": 200,
        "telemetry/opentelemetry": 300,
    },
    "backend": {
        "plugin/req-resp-modifier": 0,
        "modifier/martian": 100,
        "validation/cel": 200,
        "modifier/lua-backend": 300,
        "qos/ratelimit/proxy": 400,
        "qos/circuit-breaker": 500,
        "telemetry/metrics": 600,
        "telemetry/opentelemetry": 700,
    },
    "proxy": {
        "plugin/req-resp-modifier": 0,
        "validation/json-schema": 100,
        "validation/cel": 200,
        "modifier/lua-proxy": 300,
        "telemetry/metrics": 400,
        "telemetry/opentelemetry": 500,
    },
    "handler": {
        "qos/ratelimit/router": 100,
        "modifier/lua-endpoint": 200,
        "auth/validator": 300,
        "telemetry/metrics": 400,
        "telemetry/opentelemetry": 500,
        "security/bot-detector": 600,
    },
    # Server decorations stack outward: KrakenD's engine runs CORS, then security/http, the
    # service-level Lua and the bot detector, in that order, before routing.
    "server": {
        "security/bot-detector": 100,
        "modifier/lua-endpoint": 200,
        "security/http": 300,
        "security/cors": 400,
        "plugin/http-server": 900,
    },
}


@dataclass(frozen=True)
class Module:
    """``namespaces`` are ``Namespace`` declarations (a plain name: options kept as written)."""

    name: str
    namespaces: tuple[Namespace[Any] | str, ...] = ()
    description: str = ""
    client: Callable[[ClientFactory, Context], ClientFactory] | None = None
    backend: Callable[[BackendFactory, Context], BackendFactory] | None = None
    proxy: Callable[[ProxyFactory, Context], ProxyFactory] | None = None
    handler: Callable[[HandlerFactory, Context], HandlerFactory] | None = None
    server: Callable[[web.Application, Context], None] | None = None
    # Runs once before configuration is parsed: registers encodings, renderers, ...
    setup: Callable[[], None] | None = None
    # Runs once in the supervising process with the parsed service, before the workers fork:
    # state every worker shares (shared memory, a helper process) is made here. ``workers`` is
    # how many processes will serve.
    prefork: Callable[[ServiceConfig, int], None] | None = None
    # Position per layer; by default the one LAYER_ORDER gives its namespaces.
    order: dict[str, int] | None = None
    version: str = ""

    def __post_init__(self) -> None:
        declared = tuple(Namespace(n) if isinstance(n, str) else n for n in self.namespaces)
        object.__setattr__(self, "namespaces", declared)

    @property
    def namespace_names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.declared)

    @property
    def declared(self) -> tuple[Namespace[Any], ...]:
        return tuple(n for n in self.namespaces if isinstance(n, Namespace))

    @property
    def layers(self) -> list[str]:
        return [n for n in LAYERS if getattr(self, n) is not None]

    def position(self, layer: str) -> int:
        if self.order and layer in self.order:
            return self.order[layer]
        names = self.namespace_names
        known = [LAYER_ORDER[layer][ns] for ns in names if ns in LAYER_ORDER[layer]]
        return min(known, default=DEFAULT_ORDER)


def stacked(modules: Sequence[Module], layer: str) -> list[Module]:
    """The modules decorating ``layer``, innermost first."""
    having = [(m.position(layer), i, m) for i, m in enumerate(modules) if getattr(m, layer)]
    return [m for _, _, m in sorted(having, key=lambda t: (t[0], t[1]))]
