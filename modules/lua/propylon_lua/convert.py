"""Values between Lua and the gateway, converted as krakend-lua converts them.

A data table or list handed to a script is the gateway's own object, boxed: a script's
``set`` changes the response in place. A native Lua table given to ``set`` becomes an object
keyed by each key's text; a table nested in it becomes a list when every key is an integer
(in key order; an empty one is ``null``), as krakend-lua's ``ParseToTable`` does. Numbers that
are whole stay integers in the output (Go writes ``3`` for 3.0).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lupa import luajit21 as lupa

# Kinds the prelude's boxes know: what a host method hands back to Lua.
NOTHING, VALUE, TABLE, LIST, LUA_NIL, ERROR, HTTP, AWAIT = 0, 1, 2, 3, 4, 5, 6, 7
Result = tuple[int, Any]
NONE: Result = (NOTHING, None)
MAX_DEPTH = 64
_GO_INT = re.compile(r"[+-]?\d+\Z")


class Nil:
    """``luaNil``: a null a script can store, where Lua's own nil stores nothing."""

    __slots__ = ()


NIL = Nil()
SKIP = object()
Unbox = Callable[[Any], Any]


def fail(message: str) -> Result:
    return ERROR, message.encode()


def to_lua(value: Any) -> Result:
    """A gateway value as a script sees it: text, number, boolean, luaTable, luaList, luaNil."""
    if isinstance(value, str):
        return VALUE, value.encode()
    if isinstance(value, bool | float):
        return VALUE, value
    if isinstance(value, int):
        return VALUE, value if -(2**53) <= value <= 2**53 else float(value)
    if value is None:
        return LUA_NIL, NIL
    if isinstance(value, dict):
        return TABLE, value
    if isinstance(value, list):
        return LIST, value
    return fail(f"unknown type ({type(value).__name__})")


def text(value: Any) -> str:
    """Lua's ``tostring`` of an argument, as Go's ``LValue.String()`` gives it."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if value is None:
        return "nil"
    return lupa.lua_type(value) or "userdata"


def raw(value: Any) -> bytes:
    """The bytes of a string argument (a body), or its text."""
    return value if isinstance(value, bytes) else text(value).encode()


def number_text(value: float) -> str:
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.14g}"


def number(value: Any) -> float:
    """``LVAsNumber``: a number, a numeric string, else 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return value
    if isinstance(value, bytes):
        try:
            return float(value.strip())
        except ValueError:
            return 0
    return 0


def truthy(value: Any) -> bool:
    """``LVAsBool``: only nil and false are false."""
    return value is not None and value is not False


def plain_number(value: float) -> int | float:
    """Whole numbers as integers, as Go renders a whole float64 without a fraction."""
    if isinstance(value, int) and abs(value) < 10**21:
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return float(value)


def from_lua(value: Any, unbox: Unbox, depth: int = 0) -> Any:
    """What ``set`` stores for a script's value; ``SKIP`` for nil, functions and the like."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return plain_number(value)
    if isinstance(value, dict | list):
        return value
    if value is NIL:
        return None
    kind = lupa.lua_type(value)
    if kind == "table":
        return table_from_lua(value, unbox, depth)
    if kind == "userdata":
        boxed = unbox(value)
        if isinstance(boxed, dict | list):
            return boxed
        return None if boxed is NIL else SKIP
    return SKIP


def table_from_lua(table: Any, unbox: Unbox, depth: int = 0, nested: bool = False) -> Any:
    """A native table: an object by key text; nested, a list when every key is an integer."""
    if depth >= MAX_DEPTH:
        raise ValueError("table nested too deep")
    out: dict[str, Any] = {}
    for key, item in table.items():
        if lupa.lua_type(item) == "table":
            value = table_from_lua(item, unbox, depth + 1, nested=True)
        else:
            value = from_lua(item, unbox, depth + 1)
        if value is not SKIP:
            out[text(key)] = value
    if not nested:
        return out
    if all(_GO_INT.match(k) for k in out):
        return [out[k] for k in sorted(out, key=int)] or None
    return out
