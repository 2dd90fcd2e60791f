"""The module contract: what a module declares and which factory layers it decorates.

A module is a distribution with an entry point in the ``propylon.modules`` group that
names a ``Module``. Each decorator receives the factory built so far and the shared
``Context`` and returns a factory; modules are applied in the edition's registry order, so
the first module listed is the innermost decoration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from propylon.context import Context
from propylon.proxy.factory import BackendFactory, ClientFactory, ProxyFactory
from propylon.router.factory import HandlerFactory

ENTRY_POINT_GROUP = "propylon.modules"

# validate(namespace, config, where) raises ConfigError naming the field.
Validator = Callable[[str, Any, str], None]


@dataclass(frozen=True)
class Module:
    name: str
    namespaces: tuple[str, ...] = ()
    description: str = ""
    validate: Validator | None = None
    client: Callable[[ClientFactory, Context], ClientFactory] | None = None
    backend: Callable[[BackendFactory, Context], BackendFactory] | None = None
    proxy: Callable[[ProxyFactory, Context], ProxyFactory] | None = None
    handler: Callable[[HandlerFactory, Context], HandlerFactory] | None = None
    server: Callable[[web.Application, Context], None] | None = None
    # Runs once before configuration is parsed: registers encodings, renderers, ...
    setup: Callable[[], None] | None = None
    version: str = ""

    @property
    def layers(self) -> list[str]:
        names = ("client", "backend", "proxy", "handler", "server")
        return [n for n in names if getattr(self, n) is not None]
