"""Go's types for template values: Python values, plus the few Go types Sprig returns."""

from __future__ import annotations

from typing import Any


class Int64(int):
    """An ``int64`` (Sprig's arithmetic), distinct from a template's ``int``."""


class StrList(list):
    """A ``[]string``."""


class IntList(list):
    """A ``[]int``."""


class StrMap(dict):
    """A ``map[string]string`` (Sprig's split)."""


def type_name(v: Any) -> str:
    """The Go type of a value, as %T and reflect errors print it."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, Int64):
        return "int64"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, StrList):
        return "[]string"
    if isinstance(v, IntList):
        return "[]int"
    if isinstance(v, list):
        return "[]interface {}"
    if isinstance(v, StrMap):
        return "map[string]string"
    if isinstance(v, dict):
        return "map[string]interface {}"
    return type(v).__name__


def kind_name(v: Any) -> str:
    """reflect.Kind's name (Sprig's kindOf)."""
    if v is None:
        return "invalid"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, Int64):
        return "int64"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "slice"
    if isinstance(v, dict):
        return "map"
    return "invalid"


def truth(v: Any) -> bool:
    """Go's template truth: false, 0, nil, and empty strings, lists and maps are false."""
    if v is None:
        return False
    if isinstance(v, (bool, int, float)):
        return bool(v)
    if isinstance(v, (str, list, dict)):
        return len(v) > 0
    return True
