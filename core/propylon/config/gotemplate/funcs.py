"""Functions as the executor sees them: a Python callable with Go's parameter types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Parameter types: Go type names. "any" is interface{}, "value" is reflect.Value (builtins).
NILLABLE = ("any", "value", "[]interface {}", "[]string", "[]int", "map[string]interface {}")


@dataclass(frozen=True)
class GoFunc:
    name: str
    fn: Callable[..., Any]
    params: tuple[str, ...]
    variadic: str | None = None
    lazy: bool = False  # and/or: arguments evaluated one by one

    @property
    def num_in(self) -> int:
        return len(self.params) + (1 if self.variadic else 0)


FuncMap = dict[str, GoFunc]


def register(table: FuncMap, name: str, *params: str, variadic: str | None = None):
    """Decorator: adds the function under ``name`` with its Go signature."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        table[name] = GoFunc(name, fn, tuple(params), variadic)
        return fn

    return wrap
