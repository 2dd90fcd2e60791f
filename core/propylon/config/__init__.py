"""Configuration: KrakenD v3 documents read, validated and typed, every problem reported."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from propylon import encoding, render
from propylon.config.core_options import CORE
from propylon.config.errors import ConfigError
from propylon.config.extensions import read_namespaces
from propylon.config.loader import read_document
from propylon.config.model import BackendConfig, EndpointConfig, ServiceConfig
from propylon.config.parser import parse_service
from propylon.config.problems import Problem, Problems

if TYPE_CHECKING:
    from propylon.modules.contract import Module

__all__ = [
    "BackendConfig",
    "ConfigError",
    "ConfigErrors",
    "EndpointConfig",
    "Problem",
    "Problems",
    "ServiceConfig",
    "load_service",
    "read_service",
]
log = logging.getLogger("propylon.config")


class ConfigErrors(ConfigError):
    """A configuration that cannot be served, with every problem found in it (one per line)."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.message, file=first.file, where=first.where)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def read_service(
    source: str | Path | dict[str, Any], modules: Sequence[Module] = ()
) -> tuple[ServiceConfig | None, Problems]:
    """The service (None when it cannot be parsed at all) and every problem found.

    ``source`` is a file, or an already decoded document (as tests and tools build them).
    Each namespace that a module of ``modules`` declares is read into its typed options.
    """
    name = "" if isinstance(source, dict) else str(source)
    problems = Problems(file=name)
    for module in modules:
        if module.setup is not None:
            module.setup()
    try:
        document = source if isinstance(source, dict) else read_document(source)
    except ConfigError as exc:
        problems.add(exc.located(file=name))
        return None, problems
    service = parse_service(document, problems, decoders=encoding.names(), renderers=render.names())
    if service is None:
        return None, problems
    service.source = name
    declared = {ns.name: ns for ns in CORE}
    declared.update((ns.name, ns) for module in modules for ns in module.declared)
    read_namespaces(service, declared, problems)
    return service, problems


def load_service(
    source: str | Path | dict[str, Any], modules: Sequence[Module] = (), *, lint: bool = False
) -> ServiceConfig:
    """The service, or ConfigErrors naming every error (and warning, with ``lint``).

    Warnings are logged: KrakenD starts with what they describe, and so does the gateway.
    """
    service, problems = read_service(source, modules)
    failing = problems.found if lint else problems.errors
    if service is None or failing:
        raise ConfigErrors(failing or problems.found)
    for warning in problems.warnings:
        log.warning("%s", warning)
    return service
