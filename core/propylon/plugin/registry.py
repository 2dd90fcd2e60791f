"""The plugins' registrations, by kind and name, and what each plugin file registered."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from propylon.plugin.api import ClientPluginFactory, ModifierFactory, ServerPluginFactory

KINDS = ("server", "client", "request_modifier", "response_modifier")


class RegistrationError(Exception):
    """A plugin registered something that cannot work (not callable, no name)."""


@dataclass
class PluginRegistry:
    server: dict[str, ServerPluginFactory] = field(default_factory=dict)
    client: dict[str, ClientPluginFactory] = field(default_factory=dict)
    request_modifier: dict[str, ModifierFactory] = field(default_factory=dict)
    response_modifier: dict[str, ModifierFactory] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(getattr(self, kind) for kind in KINDS)


class Registrar:
    """Handed to one plugin's ``register``; records into the registry what it registers."""

    def __init__(self, registry: PluginRegistry, logger: logging.Logger) -> None:
        self.logger = logger
        self._registry = registry
        self.registered: dict[str, list[str]] = {kind: [] for kind in KINDS}

    def _add(self, kind: str, name: str, factory: Callable) -> None:
        if not isinstance(name, str) or not name:
            raise RegistrationError(f"{kind} registered without a name")
        if not callable(factory):
            raise RegistrationError(f"{kind} {name!r}: the factory is not callable")
        getattr(self._registry, kind)[name] = factory
        self.registered[kind].append(name)

    def server(self, name: str, factory: ServerPluginFactory) -> None:
        self._add("server", name, factory)

    def client(self, name: str, factory: ClientPluginFactory) -> None:
        self._add("client", name, factory)

    def request_modifier(self, name: str, factory: ModifierFactory) -> None:
        self._add("request_modifier", name, factory)

    def response_modifier(self, name: str, factory: ModifierFactory) -> None:
        self._add("response_modifier", name, factory)
