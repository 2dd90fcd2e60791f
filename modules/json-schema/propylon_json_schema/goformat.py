"""Values written as KrakenD's validator writes them: Go's ``%q`` and ``%v``, JSON pointers."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any


def type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    names: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return names.get(type(value), "value")


def pointer(path: Iterable[Any]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def quote(text: str) -> str:
    """Go's ``%q`` in single quotes, as santhosh-tekuri/jsonschema quotes names and values."""
    inner = json.dumps(text, ensure_ascii=False)[1:-1]
    return "'" + inner.replace('\\"', '"').replace("'", "\\'") + "'"


def display(value: Any) -> str:
    """A primitive as Go's ``%v`` prints it; a string quoted."""
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, dict | list):
        return "value"
    return go_value(value)


def go_value(value: Any) -> str:
    """Go's ``%v``: ``true``, ``<nil>``, ``3`` for 3.0, ``1e+21``, ``2.5``."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    return str(value)


def _go_float(value: float) -> str:
    """Shortest digits; an exponent below 1e-4 and from 1e21, as ``%v`` writes them."""
    if math.isinf(value) or math.isnan(value):
        return {math.inf: "+Inf", -math.inf: "-Inf"}.get(value, "NaN")
    if value == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    power = len(digits) - 1 + int(exponent)
    minus = "-" if sign else ""
    if -4 <= power < 21:
        return minus + format(Decimal(repr(abs(value))).normalize(), "f")
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{minus}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
