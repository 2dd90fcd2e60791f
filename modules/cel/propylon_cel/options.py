"""``validation/cel``: a list of ``{"check_expr": ...}`` on an endpoint or a backend.

Each expression is compiled while the configuration is read, so one that does not compile
is a configuration error naming the endpoint, the entry and ``check_expr`` (``propylon
check``), and the gateway does not start. KrakenD logs it and serves the endpoint unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from propylon.sdk import Namespace, OptionError, Scope

from propylon_cel.expression import Expression, ExpressionError, Stage, compile_expression


@dataclass(frozen=True)
class Check:
    check_expr: str
    expression: Expression = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            expression = compile_expression(self.check_expr)
        except ExpressionError as exc:
            raise OptionError("check_expr", str(exc)) from None
        object.__setattr__(self, "expression", expression)


Checks = tuple[Check, ...]


def at_stage(checks: Checks, stage: Stage) -> tuple[Expression, ...]:
    """The expressions of one stage, in their order: KrakenD numbers them so (``#0``...)."""
    return tuple(c.expression for c in checks if c.expression.stage is stage)


CEL: Namespace[Checks] = Namespace(
    "validation/cel",
    Checks,  # a list of objects, read as a tuple of Check
    frozenset({Scope.ENDPOINT, Scope.BACKEND}),
)
