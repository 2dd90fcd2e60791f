"""A namespace a module owns: its name, the typed options it is read into, where it is read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


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

    def of(self, config: HasOptions) -> T | None:
        """The options of this namespace on ``config``; None where it is not configured."""
        return config.options.get(self.name)
