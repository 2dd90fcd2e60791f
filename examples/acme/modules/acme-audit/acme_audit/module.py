"""The ``acme-audit`` module: owns ``acme/audit`` and decorates the handler layer."""

from __future__ import annotations

from typing import Any

from propylon.modules import Module

from acme_audit.config import NAMESPACE, parse_config
from acme_audit.handler import decorate


def validate(namespace: str, config: Any, where: str) -> None:
    parse_config(config, where)


module = Module(
    name="acme-audit",
    namespaces=(NAMESPACE,),
    description="Tags audited endpoints' responses and writes an audit line per request",
    validate=validate,
    handler=decorate,
)
