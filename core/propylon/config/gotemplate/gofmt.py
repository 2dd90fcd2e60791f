"""Go's printing of values: fmt's %v and printf verbs, strconv's quoting and float formats."""

from __future__ import annotations

import contextlib
import math
import re
from decimal import Decimal
from typing import Any

from propylon.config.gotemplate.values import StrList, StrMap, type_name

_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def quote(s: str, ascii_only: bool = False) -> str:
    """strconv.Quote (QuoteToASCII with ``ascii_only``)."""
    out = ['"']
    for c in s:
        if c in ('"', "\\"):
            out.append("\\" + c)
        elif c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c.isprintable() and not (ascii_only and ord(c) >= 0x80):
            out.append(c)
        elif 0xDC80 <= ord(c) <= 0xDCFF:  # an invalid byte kept by surrogateescape
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        elif ord(c) < 0x80:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) < 0x10000:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    out.append('"')
    return "".join(out)


_SIMPLE = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}


def unquote_char(s: str, q: str) -> tuple[int, str]:
    """strconv.UnquoteChar: the first character of s (escape decoded) and the rest."""
    c = s[0]
    if c == q and q in "'\"":
        raise ValueError("invalid syntax")
    if c != "\\":
        return ord(c), s[1:]
    if len(s) <= 1:
        raise ValueError("invalid syntax")
    e = s[1]
    rest = s[2:]
    if e in _SIMPLE:
        return _SIMPLE[e], rest
    if e in "xuU":
        size = {"x": 2, "u": 4, "U": 8}[e]
        digits = rest[:size]
        if len(digits) < size or not all(d in "0123456789abcdefABCDEF" for d in digits):
            raise ValueError("invalid syntax")
        value = int(digits, 16)
        if e != "x" and (value > 0x10FFFF or 0xD800 <= value < 0xE000):
            raise ValueError("invalid syntax")
        if e == "x":
            value = value if value < 0x80 else 0xDC00 + value
        return value, rest[size:]
    if e in "01234567":
        digits = s[1:4]
        if len(digits) < 3 or not all(d in "01234567" for d in digits):
            raise ValueError("invalid syntax")
        value = int(digits, 8)
        if value > 255:
            raise ValueError("invalid syntax")
        return (value if value < 0x80 else 0xDC00 + value), s[4:]
    if e in "'\"" and e == q:
        return ord(e), rest
    raise ValueError("invalid syntax")


def unquote(text: str) -> str:
    """strconv.Unquote for "..." and `...` literals."""
    if len(text) >= 2 and text[0] == text[-1] == "`":
        body = text[1:-1]
        if "`" in body:
            raise ValueError("invalid syntax")
        return body.replace("\r", "")
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "\"'":
        raise ValueError("invalid syntax")
    q = text[0]
    body = text[1:-1]
    if "\n" in body:
        raise ValueError("invalid syntax")
    out = []
    while body:
        value, body = unquote_char(body, q)
        out.append(chr(value))
        if q == "'" and body:
            raise ValueError("invalid syntax")
    joined = "".join(out)
    return joined.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")


# floats ---------------------------------------------------------------------------------


def _digits(f: float) -> tuple[str, int]:
    """The shortest decimal digits of |f| and the decimal point's position (Go's decimal)."""
    if f == 0:
        return "", 0
    _sign, digits, exponent = Decimal(repr(abs(f))).as_tuple()
    text = "".join(map(str, digits))
    stripped = text.rstrip("0")
    dp = len(text) + int(exponent)
    return stripped, dp


def _fixed_digits(f: float, prec: int) -> tuple[str, int]:
    """The digits of |f| rounded to ``prec`` significant digits."""
    if f == 0:
        return "", 0
    text = f"{abs(f):.{prec - 1}e}"
    mantissa, exp = text.split("e")
    digits = mantissa.replace(".", "").rstrip("0")
    return digits, int(exp) + 1


def _fmt_e(neg: bool, digits: str, dp: int, prec: int, letter: str) -> str:
    first = digits[0] if digits else "0"
    rest = digits[1:]
    frac = (rest + "0" * prec)[:prec] if prec > 0 else ""
    exp = dp - 1 if digits else 0
    sign = "-" if exp < 0 else "+"
    exp_text = f"{abs(exp):02d}"
    body = first + ("." + frac if prec > 0 else "")
    return ("-" if neg else "") + body + letter + sign + exp_text


def _fmt_f(neg: bool, digits: str, dp: int, prec: int) -> str:
    integer = digits[:dp] + "0" * max(0, dp - len(digits)) or "0" if dp > 0 else "0"
    frac = ""
    if prec > 0:
        for i in range(prec):
            j = dp + i
            frac += digits[j] if 0 <= j < len(digits) else "0"
    return ("-" if neg else "") + integer + ("." + frac if prec > 0 else "")


def format_float(f: float, verb: str, prec: int = -1) -> str:
    """strconv.FormatFloat(f, verb, prec, 64) for e, E, f, g, G."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    neg = math.copysign(1.0, f) < 0
    shortest = prec < 0
    if verb in "eE":
        digits, dp = _digits(f) if shortest else _fixed_digits(f, prec + 1)
        return _fmt_e(neg, digits, dp, len(digits) - 1 if shortest else prec, verb)
    if verb == "f":
        if shortest:
            digits, dp = _digits(f)
            return _fmt_f(neg, digits, dp, max(len(digits) - dp, 0))
        text = f"{abs(f):.{prec}f}"
        return ("-" if neg else "") + text
    # g, G
    if shortest:
        digits, dp = _digits(f)
        eprec = 6
        p = len(digits)
    else:
        p = prec or 1
        digits, dp = _fixed_digits(f, p)
        eprec = p
        if eprec > len(digits) and len(digits) >= dp:
            eprec = len(digits)
    exp = dp - 1
    if exp < -4 or exp >= eprec:
        if p > len(digits):
            p = len(digits)
        return _fmt_e(neg, digits, dp, max(p - 1, 0), "e" if verb == "g" else "E")
    if p > dp:
        p = len(digits)
    return _fmt_f(neg, digits, dp, max(p - dp, 0))


def json_float(f: float) -> str:
    """encoding/json's float64: shortest, exponent form below 1e-6 and from 1e21."""
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        text = format_float(f, "e")
        return re.sub(r"e-0(\d)$", r"e-\1", text)
    return format_float(f, "f")


# %v -------------------------------------------------------------------------------------


def sprint_value(v: Any, top: bool = True) -> str:
    """fmt's %v; ``top`` prints a missing value as the template does."""
    if v is None:
        return "<no value>" if top else "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return format_float(v, "g")
    if isinstance(v, complex):
        imag = format_float(v.imag, "g")
        return f"({format_float(v.real, 'g')}{'' if imag[0] in '+-' else '+'}{imag}i)"
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "[" + " ".join(sprint_value(x, False) for x in v) + "]"
    if isinstance(v, dict):
        return (
            "map["
            + " ".join(f"{sprint_value(k, False)}:{sprint_value(v[k], False)}" for k in sorted(v))
            + "]"
        )
    return str(v)


def sprint(args: list[Any]) -> str:
    """fmt.Sprint: a space between operands when neither is a string."""
    out = []
    for i, a in enumerate(args):
        if i > 0 and not isinstance(a, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(sprint_value(a, False))
    return "".join(out)


def sprintln(args: list[Any]) -> str:
    return " ".join(sprint_value(a, False) for a in args) + "\n"


# printf ---------------------------------------------------------------------------------


class _Spec:
    def __init__(self) -> None:
        self.minus = self.plus = self.sharp = self.space = self.zero = False
        self.width: int | None = None
        self.prec: int | None = None

    def pad(self, s: str, numeric: bool = False) -> str:
        if self.width is None or len(s) >= self.width:
            return s
        fill = self.width - len(s)
        if self.minus:
            return s + " " * fill
        if self.zero:
            if numeric and s[:1] in "+- ":
                return s[0] + "0" * fill + s[1:]
            return "0" * fill + s
        return " " * fill + s


def _bad(verb: str, v: Any, spec: _Spec) -> str:
    if v is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({type_name(v)}={format_value(v, 'v', spec)})"


def _fmt_int(v: int, verb: str, spec: _Spec) -> str:
    if verb == "c":
        try:
            return spec.pad(chr(v))
        except (ValueError, OverflowError):
            return spec.pad("\ufffd")
    if verb == "q":
        try:
            return spec.pad("'" + quote(chr(v))[1:-1].replace('\\"', '"') + "'")
        except (ValueError, OverflowError):
            return spec.pad("'\ufffd'")
    if verb == "U":
        text = f"U+{v:04X}" if v >= 0 else f"U+{v & 0xFFFFFFFFFFFFFFFF:04X}"
        if spec.sharp and v >= 0:
            with contextlib.suppress(ValueError):
                text += f" '{chr(v)}'"
        return spec.pad(text)
    base = {"d": "d", "v": "d", "b": "b", "o": "o", "O": "o", "x": "x", "X": "X"}[verb]
    body = format(abs(v), base)
    if spec.prec is not None:
        body = body.rjust(spec.prec, "0") if not (spec.prec == 0 and v == 0) else ""
    if verb == "O":
        body = "0o" + body
    elif spec.sharp and verb in "xX":
        body = ("0x" if verb == "x" else "0X") + body
    elif spec.sharp and verb == "o" and not body.startswith("0"):
        body = "0" + body
    elif spec.sharp and verb == "b":
        body = "0b" + body
    sign = "-" if v < 0 else ("+" if spec.plus else (" " if spec.space else ""))
    text = sign + body
    if spec.zero and not spec.minus and spec.prec is None and spec.width:
        fill = spec.width - len(text)
        if fill > 0:
            return sign + "0" * fill + body
        return text
    return spec.pad(text)


def _fmt_float(v: float, verb: str, spec: _Spec) -> str:
    if verb == "v":
        verb = "g"
    if verb == "F":
        verb = "f"
    prec = -1 if spec.prec is None else spec.prec
    if prec < 0 and verb in "eEf":
        prec = 6
    text = format_float(v, verb, prec)
    if spec.sharp and verb in "gG" and "." not in text and "e" not in text.lower():
        text += "."
    if spec.plus and not text.startswith(("-", "+")):
        text = "+" + text
    elif spec.space and not text.startswith(("-", "+")):
        text = " " + text
    if text in ("+Inf", "-Inf", "NaN", " NaN", "+NaN"):
        saved = spec.zero
        spec.zero = False
        out = spec.pad(text)
        spec.zero = saved
        return out
    return spec.pad(text, numeric=True)


def _fmt_str(v: str, verb: str, spec: _Spec) -> str:
    if spec.prec is not None:
        v = v[: spec.prec]
    if verb in ("s", "v"):
        return spec.pad(v)
    if verb == "q":
        if spec.sharp and "`" not in v and all(c.isprintable() or c == "\t" for c in v):
            return spec.pad("`" + v + "`")
        return spec.pad(quote(v, ascii_only=spec.plus))
    data = v.encode("utf-8", "surrogateescape")
    digits = "0123456789abcdef" if verb == "x" else "0123456789ABCDEF"
    parts = []
    for i, b in enumerate(data):
        if spec.space and i > 0:
            parts.append(" ")
        if spec.sharp and (spec.space or i == 0):
            parts.append("0x" if verb == "x" else "0X")
        parts.append(digits[b >> 4] + digits[b & 15])
    return spec.pad("".join(parts))


def format_value(v: Any, verb: str, spec: _Spec, depth: int = 0) -> str:
    if verb == "T":
        return spec.pad(type_name(v))
    if v is None:
        if verb == "v" or depth > 0:
            return spec.pad("<nil>")
        return _bad(verb, v, spec)
    if isinstance(v, bool):
        if verb in "tv":
            return spec.pad("true" if v else "false")
        return _bad(verb, v, spec)
    if isinstance(v, int):
        if verb in "bcdoOqxXUv":
            return _fmt_int(int(v), verb, spec)
        return _bad(verb, v, spec)
    if isinstance(v, float):
        if verb in "eEfFgGv":
            return _fmt_float(v, verb, spec)
        return _bad(verb, v, spec)
    if isinstance(v, str):
        if verb in "vsqxX":
            return _fmt_str(v, verb, spec)
        return _bad(verb, v, spec)
    if isinstance(v, list):
        return "[" + " ".join(format_value(x, verb, spec, depth + 1) for x in v) + "]"
    if isinstance(v, dict):
        return (
            "map["
            + " ".join(
                f"{format_value(k, verb, spec, depth + 1)}:{format_value(v[k], verb, spec, depth + 1)}"
                for k in sorted(v)
            )
            + "]"
        )
    return spec.pad(str(v))


def sprintf(fmt: str, args: list[Any]) -> str:
    """fmt.Sprintf for the verbs and flags a template uses."""
    out: list[str] = []
    i = 0
    argn = 0
    end = len(fmt)
    while i < end:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        i = j + 1
        spec = _Spec()
        while i < end and fmt[i] in "#0+- ":
            c = fmt[i]
            if c == "#":
                spec.sharp = True
            elif c == "0":
                spec.zero = not spec.minus
            elif c == "+":
                spec.plus = True
            elif c == "-":
                spec.minus = True
                spec.zero = False
            else:
                spec.space = True
            i += 1
        if i < end and fmt[i] == "*":
            i += 1
            if (
                argn < len(args)
                and isinstance(args[argn], int)
                and not isinstance(args[argn], bool)
            ):
                spec.width = int(args[argn])
                if spec.width < 0:
                    spec.minus, spec.width = True, -spec.width
            else:
                out.append("%!(BADWIDTH)")
            argn += 1
        else:
            m = re.match(r"\d+", fmt[i:])
            if m:
                spec.width = int(m.group())
                i += len(m.group())
        if i < end and fmt[i] == ".":
            i += 1
            if i < end and fmt[i] == "*":
                i += 1
                if argn < len(args) and isinstance(args[argn], int):
                    spec.prec = int(args[argn])
                    if spec.prec < 0:
                        spec.prec = None
                else:
                    out.append("%!(BADPREC)")
                argn += 1
            else:
                m = re.match(r"\d+", fmt[i:])
                spec.prec = int(m.group()) if m else 0
                i += len(m.group()) if m else 0
        if i >= end:
            out.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if argn >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[argn]
        argn += 1
        out.append(format_value(arg, verb, spec))
    if argn < len(args):
        extra = ", ".join(
            "<nil>" if a is None else f"{type_name(a)}={sprint_value(a, False)}"
            for a in args[argn:]
        )
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


__all__ = ["StrList", "StrMap", "format_float", "json_float", "quote", "sprint", "sprintf"]
