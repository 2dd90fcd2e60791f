"""The ``acme/audit`` namespace: which tag and header an audited endpoint uses."""

from __future__ import annotations

from dataclasses import dataclass

from propylon.sdk import Namespace, OptionError, Scope


@dataclass(frozen=True)
class AuditOptions:
    tag: str
    header: str = "X-Acme-Audit"

    def __post_init__(self) -> None:
        for name in ("tag", "header"):
            if not getattr(self, name):
                raise OptionError(name, "expected a non-empty string")


AUDIT = Namespace("acme/audit", AuditOptions, frozenset({Scope.ENDPOINT}))
