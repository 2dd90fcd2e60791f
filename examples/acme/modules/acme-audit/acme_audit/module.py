"""The ``acme-audit`` module: owns ``acme/audit`` and decorates the handler layer."""

from __future__ import annotations

from propylon.sdk import Module

from acme_audit.handler import decorate
from acme_audit.options import AUDIT

module = Module(
    name="acme-audit",
    namespaces=(AUDIT,),
    description="Tags audited endpoints' responses and writes an audit line per request",
    handler=decorate,
)
