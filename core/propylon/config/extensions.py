"""Every ``extra_config`` namespace read once into the typed options of the module owning it.

Namespaces no module of the edition owns are reported once each, naming where they are used
and the module to add: as errors where they enforce something (``catalogue.enforces``), so a
gateway never serves unprotected what its configuration protects, and as warnings otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from propylon.config.catalogue import enforces, remedy
from propylon.config.model import ServiceConfig
from propylon.config.namespace import Namespace, Scope
from propylon.config.problems import Problems
from propylon.config.schema import parse_options

_SHOWN_PLACES = 2


def places(service: ServiceConfig) -> Iterator[tuple[Scope, str, Any]]:
    """(scope, where, config) of the service, each endpoint and agent and their backends."""
    yield Scope.SERVICE, "", service
    for i, endpoint in enumerate(service.endpoints):
        where = f"endpoints[{i}] ({endpoint.method} {endpoint.endpoint})"
        yield Scope.ENDPOINT, where, endpoint
        for j, backend in enumerate(endpoint.backend):
            yield Scope.BACKEND, f"{where}.backend[{j}]", backend
    for i, agent in enumerate(service.async_agents):
        where = f"async_agent[{i}] ({agent.name})"
        yield Scope.AGENT, where, agent.endpoint
        for j, backend in enumerate(agent.backend):
            yield Scope.BACKEND, f"{where}.backend[{j}]", backend


def read_namespaces(
    service: ServiceConfig, declared: Mapping[str, Namespace[Any]], problems: Problems
) -> None:
    """Fills each config's ``options``; reports what no module owns, once per namespace."""
    unowned: dict[str, list[str]] = {}
    for scope, where, config in places(service):
        prefix = f"{where}.extra_config" if where else "extra_config"
        for name, raw in config.extra_config.items():
            at = f"{prefix}.{name}"
            namespace = declared.get(name)
            if namespace is None:
                unowned.setdefault(name, []).append(where or "the service")
                continue
            if scope not in namespace.scopes and not _endpoint_like(scope, namespace):
                levels = " or ".join(sorted(s.value for s in namespace.scopes))
                problems.warn(at, f"read only at the {levels} level: ignored")
                continue
            schema = namespace.schema_at(scope)
            if schema is None:
                config.options[name] = raw
                continue
            options = parse_options(schema, raw, at, problems)
            if options is not None:
                config.options[name] = options
    for name, used in unowned.items():
        _report_unowned(name, used, problems)


def _endpoint_like(scope: Scope, namespace: Namespace[Any]) -> bool:
    return scope is Scope.AGENT and Scope.ENDPOINT in namespace.scopes


def _report_unowned(name: str, used: list[str], problems: Problems) -> None:
    shown = ", ".join(used[:_SHOWN_PLACES])
    if len(used) > _SHOWN_PLACES:
        shown += f" and {len(used) - _SHOWN_PLACES} more"
    what = f"extra_config namespace {name!r} (used at {shown}) is not handled by this edition"
    hint = remedy(name)
    if enforces(name):
        problems.error(
            "",
            f"{what}; it enforces what its configuration asks, so the gateway does not start "
            f"without it: {hint or 'remove it, or add a module that provides it'}",
        )
    else:
        problems.warn("", f"{what}: ignored" + (f" ({hint})" if hint else ""))
