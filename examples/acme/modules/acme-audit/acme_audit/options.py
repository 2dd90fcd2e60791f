"""The ``acme/audit`` namespace: which tag and header an audited endpoint uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from propylon.config.errors import ConfigError

NAMESPACE = "acme/audit"
DEFAULT_HEADER = "X-Acme-Audit"


@dataclass(frozen=True)
class AuditConfig:
    tag: str
    header: str = DEFAULT_HEADER


def parse_config(raw: Any, where: str) -> AuditConfig:
    if not isinstance(raw, dict):
        raise ConfigError("expected an object", where=where)
    unknown = sorted(set(raw) - {"tag", "header"})
    if unknown:
        raise ConfigError(f"unknown field {unknown[0]!r}", where=where)
    tag = raw.get("tag")
    if not isinstance(tag, str) or not tag:
        raise ConfigError("tag: expected a non-empty string", where=where)
    header = raw.get("header", DEFAULT_HEADER)
    if not isinstance(header, str) or not header:
        raise ConfigError("header: expected a non-empty string", where=where)
    return AuditConfig(tag=tag, header=header)
