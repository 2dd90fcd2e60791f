"""encoding/json as Go writes and reads template values: sorted keys, HTML-safe escapes,
Go's float format; numbers read back as float64."""

from __future__ import annotations

import json
import math
from typing import Any

from propylon.config.gotemplate.gofmt import json_float


class UnsupportedValue(Exception):
    pass


def _string(s: str, escape_html: bool) -> str:
    out = ['"']
    for c in s:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif o < 0x20 or (escape_html and c in "<>&"):
            out.append(f"\\u00{o:02x}")
        elif o in (0x2028, 0x2029):
            out.append(f"\\u{o:04x}")
        elif 0xD800 <= o < 0xE000:
            out.append("\ufffd")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def marshal(v: Any, indent: str | None = None, escape_html: bool = True) -> str:
    """json.Marshal (json.MarshalIndent with ``indent``)."""
    return _encode(v, indent, escape_html, 0)


def _encode(v: Any, indent: str | None, esc: bool, depth: int) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise UnsupportedValue(f"json: unsupported value: {json_float_text(v)}")
        return json_float(v)
    if isinstance(v, str):
        return _string(v, esc)
    if isinstance(v, list):
        if not v:
            return "[]"
        items = [_encode(x, indent, esc, depth + 1) for x in v]
        return _join("[", "]", items, indent, depth)
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = [
            _string(k, esc)
            + (": " if indent is not None else ":")
            + _encode(v[k], indent, esc, depth + 1)
            for k in sorted(v)
        ]
        return _join("{", "}", items, indent, depth)
    raise UnsupportedValue(f"json: unsupported type: {type(v).__name__}")


def json_float_text(v: float) -> str:
    return "NaN" if math.isnan(v) else ("+Inf" if v > 0 else "-Inf")


def _join(open_: str, close: str, items: list[str], indent: str | None, depth: int) -> str:
    if indent is None:
        return open_ + ",".join(items) + close
    inner = "\n" + indent * (depth + 1)
    return open_ + inner + ("," + inner).join(items) + "\n" + indent * depth + close


def unmarshal(text: str) -> Any:
    """json.Unmarshal into interface{}: numbers are float64, the last duplicate key wins."""

    def number(s: str) -> float:
        f = float(s)
        if math.isinf(f):
            raise ValueError(f"json: cannot unmarshal number {s} into Go value of type float64")
        return f

    return json.loads(text, parse_int=number, parse_float=number, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")
