"""A namespace a module owns: its name, the typed options it is read into, where it is read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
S = TypeVar("S")


class Scope(StrEnum):
    """Where an ``extra_config`` namespace may appear."""

    SERVICE = "service"
    ENDPOINT = "endpoint"
    BACKEND = "backend"
    # An ``async_agent`` entry: a pipe like an endpoint's, so endpoint namespaces apply too.
    AGENT = "agent"


EVERYWHERE = frozenset(Scope)


class HasOptions(Protocol):
    """A parsed service, endpoint or backend: its namespaces' options, read once."""

    @property
    def options(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Namespace(Generic[T]):
    """``schema`` is a dataclass the configuration layer reads the namespace into, once, at
    start-up (``propylon.config.schema``); without one the namespace is kept as written.
    A namespace used outside ``scopes`` is warned about and ignored, as KrakenD ignores it.
    """

    name: str
    schema: type[T] | None = None
    scopes: frozenset[Scope] = EVERYWHERE
    # Levels where the namespace has another shape, and the dataclass it is read into there
    # (``telemetry/opentelemetry``: the service's settings above, layer overrides below);
    # ``of`` does not return those: ``scoped_of`` does.
    scoped_schemas: tuple[tuple[Scope, type[Any]], ...] = ()

    def of(self, config: HasOptions) -> T | None:
        """The options of this namespace on ``config``; None where it is not configured."""
        found = config.options.get(self.name)
        if self.scoped_schemas and self.schema is not None and not isinstance(found, self.schema):
            return None  # read there with another schema
        return found

    def scoped_of(self, config: HasOptions, schema: type[S]) -> S | None:
        """The options read with one of ``scoped_schemas`` on ``config``, if any."""
        found = config.options.get(self.name)
        return found if isinstance(found, schema) else None

    def schema_at(self, scope: Scope) -> type[Any] | None:
        """The dataclass the namespace is read into at ``scope``."""
        for level, schema in self.scoped_schemas:
            if level is scope:
                return schema
        if scope is Scope.AGENT:  # an agent's pipe is read as an endpoint's
            return self.schema_at(Scope.ENDPOINT)
        return self.schema
