"""text/template's predefined functions: and, or, not, len, index, print, eq, html, js..."""

from __future__ import annotations

import urllib.parse
from typing import Any

from propylon.config.gotemplate.errors import FuncError
from propylon.config.gotemplate.funcs import FuncMap, GoFunc, register
from propylon.config.gotemplate.gofmt import sprint, sprintf, sprintln
from propylon.config.gotemplate.values import truth, type_name

BUILTINS: FuncMap = {}
BUILTINS["and"] = GoFunc("and", lambda *a: None, ("value",), "value", lazy=True)
BUILTINS["or"] = GoFunc("or", lambda *a: None, ("value",), "value", lazy=True)


@register(BUILTINS, "not", "value")
def _not(v: Any) -> bool:
    return not truth(v)


@register(BUILTINS, "len", "value")
def _len(v: Any) -> int:
    if v is None:
        raise FuncError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(v, str):
        return len(v.encode("utf-8", "surrogateescape"))
    if isinstance(v, (list, dict)):
        return len(v)
    raise FuncError(f"len of type {type_name(v)}")


def _index_arg(index: Any, size: int) -> int:
    if index is None:
        raise FuncError("cannot index slice/array with nil")
    if isinstance(index, bool) or not isinstance(index, int):
        raise FuncError(f"cannot index slice/array with type {type_name(index)}")
    if index < 0 or index > size:
        raise FuncError(f"index out of range: {index}")
    return index


@register(BUILTINS, "index", "value", variadic="value")
def _index(item: Any, *indexes: Any) -> Any:
    if item is None:
        raise FuncError("index of untyped nil")
    for index in indexes:
        if item is None:
            raise FuncError("index of nil pointer")
        if isinstance(item, (list, str)):
            data = item.encode("utf-8", "surrogateescape") if isinstance(item, str) else item
            x = _index_arg(index, len(data))
            if x == len(data):
                raise FuncError("reflect: slice index out of range")
            item = data[x]
        elif isinstance(item, dict):
            if index is None:
                raise FuncError("value is nil; should be of type string")
            if not isinstance(index, str):
                raise FuncError(f"value has type {type_name(index)}; should be string")
            item = item.get(index, "" if type_name(item) == "map[string]string" else None)
        else:
            raise FuncError(f"can't index item of type {type_name(item)}")
    return item


@register(BUILTINS, "print", variadic="any")
def _print(*args: Any) -> str:
    return sprint(list(args))


@register(BUILTINS, "println", variadic="any")
def _println(*args: Any) -> str:
    return sprintln(list(args))


@register(BUILTINS, "printf", "string", variadic="any")
def _printf(fmt: str, *args: Any) -> str:
    return sprintf(fmt, list(args))


def _eval_args(args: tuple[Any, ...]) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(["<no value>" if a is None else a for a in args])


@register(BUILTINS, "html", variadic="any")
def _html(*args: Any) -> str:
    s = _eval_args(args)
    table = {'"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;", "\0": "\ufffd"}
    return "".join(table.get(c, c) for c in s)


@register(BUILTINS, "js", variadic="any")
def _js(*args: Any) -> str:
    s = _eval_args(args)
    out = []
    for c in s:
        if c in "\\'\"":
            out.append("\\" + c)
        elif c in "<>&=" or ord(c) < 0x20:
            out.append(f"\\u{ord(c):04X}")
        elif ord(c) < 0x80 or c.isprintable():
            out.append(c)
        else:
            out.append(f"\\u{ord(c):04X}")
    return "".join(out)


@register(BUILTINS, "urlquery", variadic="any")
def _urlquery(*args: Any) -> str:
    return urllib.parse.quote_plus(_eval_args(args), safe="-_.~")


@register(BUILTINS, "call", "value", variadic="value")
def _call(fn: Any, *args: Any) -> Any:
    if fn is None:
        raise FuncError("call of nil")
    raise FuncError(f"non-function of type {type_name(fn)}")


# comparisons ------------------------------------------------------------------------------

_BAD = "incompatible types for comparison"
_BAD_TYPE = "invalid type for comparison"


def _basic(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    return "invalid"


@register(BUILTINS, "eq", "value", variadic="value")
def _eq(a: Any, *others: Any) -> bool:
    if not others:
        raise FuncError("missing argument for comparison")
    k1 = _basic(a)
    for b in others:
        k2 = _basic(b)
        if k1 != k2:
            if a is not None and b is not None:
                raise FuncError(_BAD)
            continue
        if k1 != "invalid":
            if a == b:
                return True
            continue
        if a is None or b is None:
            if a is None and b is None:
                return True
            continue
        raise FuncError(f"non-comparable type {sprintf('%s', [b])}: {type_name(b)}")
    return False


@register(BUILTINS, "ne", "value", "value")
def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


@register(BUILTINS, "lt", "value", "value")
def _lt(a: Any, b: Any) -> bool:
    k1, k2 = _basic(a), _basic(b)
    if k1 == "invalid" or k2 == "invalid":
        raise FuncError(_BAD_TYPE)
    if k1 != k2:
        raise FuncError(_BAD)
    if k1 == "bool":
        raise FuncError(_BAD_TYPE)
    return a < b


@register(BUILTINS, "le", "value", "value")
def _le(a: Any, b: Any) -> bool:
    return _lt(a, b) or _eq(a, b)


@register(BUILTINS, "gt", "value", "value")
def _gt(a: Any, b: Any) -> bool:
    return not _le(a, b)


@register(BUILTINS, "ge", "value", "value")
def _ge(a: Any, b: Any) -> bool:
    return not _lt(a, b)


@register(BUILTINS, "slice", "value", variadic="value")
def _slice(item: Any, *indexes: Any) -> Any:  # replaced by Sprig's slice in KrakenD
    raise FuncError("slice is Sprig's in this function map")
