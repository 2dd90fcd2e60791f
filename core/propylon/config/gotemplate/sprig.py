"""Sprig's GenericFuncMap: the functions KrakenD's flexible configuration offers templates."""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import math
import os
import posixpath
import re
import secrets
import string
import zlib
from decimal import Decimal
from typing import Any

from propylon.config.gotemplate import gojson
from propylon.config.gotemplate.errors import FuncError
from propylon.config.gotemplate.funcs import FuncMap, register
from propylon.config.gotemplate.gofmt import quote, sprint_value, sprintf
from propylon.config.gotemplate.values import Int64, IntList, StrList, StrMap, kind_name, type_name

SPRIG: FuncMap = {}
S = "string"
I = "int"  # noqa: E741
A = "any"
M = "map[string]interface {}"
L = "[]interface {}"


def fn(name: str, *params: str, variadic: str | None = None):
    return register(SPRIG, name, *params, variadic=variadic)


def alias(name: str, of: str) -> None:
    SPRIG[name] = SPRIG[of].__class__(name, SPRIG[of].fn, SPRIG[of].params, SPRIG[of].variadic)


# conversions (Sprig's strval, spf13/cast) -----------------------------------------------


def strval(v: Any) -> str:
    return v if isinstance(v, str) else sprint_value(v, False)


def _parse_go_int(s: str) -> int | None:
    s = re.sub(r"\.0+$", "", s) if re.search(r"\.0+$", s) else s
    try:
        if re.fullmatch(r"[+-]?0[0-7_]+", s):
            sign = "-" if s.startswith("-") else ""
            return int(sign + "0o" + s.lstrip("+-")[1:], 0)
        value = int(s, 0)
    except ValueError:
        return None
    return value if -(2**63) <= value < 2**63 else None


def _wrap64(f: float) -> int:
    if math.isnan(f) or math.isinf(f) or not (-(2**63) <= f < 2**63):
        return -(2**63)
    return int(f)


def to_int64(v: Any) -> int:
    if v is None:
        return 0
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return _wrap64(v)
    if isinstance(v, str):
        parsed = _parse_go_int(v)
        return parsed if parsed is not None else 0
    return 0


def to_float64(v: Any) -> float:
    if v is None:
        return 0.0
    if isinstance(v, (bool, int)):
        return float(v)
    if isinstance(v, float):
        return v
    if isinstance(v, str):
        try:
            text = v.replace("_", "") if "_" not in v.strip("_") else v
            if text.lower().lstrip("+-") in ("inf", "infinity", "nan"):
                return float(text)
            return float(text)
        except ValueError:
            return 0.0
    return 0.0


def _wrap_int(x: int) -> int:
    return (x + 2**63) % 2**64 - 2**63


@fn("toString", A)
def _to_string(v: Any) -> str:
    return strval(v)


@fn("atoi", S)
def _atoi(s: str) -> int:
    try:
        value = int(s.strip()) if re.fullmatch(r"[+-]?\d+", s) else 0
    except ValueError:
        return 0
    return value if -(2**63) <= value < 2**63 else 0


@fn("int64", A)
def _int64(v: Any) -> Int64:
    return Int64(to_int64(v))


@fn("int", A)
def _int(v: Any) -> int:
    return to_int64(v)


@fn("float64", A)
def _float64(v: Any) -> float:
    return to_float64(v)


@fn("toDecimal", A)
def _to_decimal(v: Any) -> Int64:
    try:
        text = strval(v)
        if not re.fullmatch(r"[+-]?[0-7]+", text):
            return Int64(0)
        value = int(text, 8)
        return Int64(value) if -(2**63) <= value < 2**63 else Int64(0)
    except ValueError:
        return Int64(0)


# strings ----------------------------------------------------------------------------------


@fn("hello")
def _hello() -> str:
    return "Hello!"


@fn("trim", S)
def _trim(s: str) -> str:
    return s.strip(
        " \t\n\r\v\f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    )


@fn("upper", S)
def _upper(s: str) -> str:
    return s.upper() if s.isascii() else "".join(c.upper() if len(c.upper()) == 1 else c for c in s)


@fn("lower", S)
def _lower(s: str) -> str:
    return s.lower() if s.isascii() else "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def _is_sep(c: str) -> bool:
    if c.isascii():
        return not (c.isalnum() or c == "_")
    return c.isspace() or not (c.isalpha() or c.isdigit())


@fn("title", S)
def _title(s: str) -> str:
    out, prev = [], " "
    for c in s:
        out.append(c.upper() if _is_sep(prev) and len(c.upper()) == 1 else c)
        prev = c
    return "".join(out)


@fn("untitle", S)
def _untitle(s: str) -> str:
    out, prev_space = [], True
    for c in s:
        out.append(c.lower() if prev_space else c)
        prev_space = c.isspace()
    return "".join(out)


@fn("substr", I, I, S)
def _substr(start: int, end: int, s: str) -> str:
    b = s.encode("utf-8", "surrogateescape")
    if start < 0:
        if end < 0 or end > len(b):
            raise FuncError(
                f"runtime error: slice bounds out of range [:{end}] with length {len(b)}"
            )
        return b[:end].decode("utf-8", "surrogateescape")
    if end < 0 or end > len(b):
        if start > len(b):
            raise FuncError(f"runtime error: slice bounds out of range [{start}:{len(b)}]")
        return b[start:].decode("utf-8", "surrogateescape")
    if start > end:
        raise FuncError(f"runtime error: slice bounds out of range [{start}:{end}]")
    return b[start:end].decode("utf-8", "surrogateescape")


@fn("repeat", I, S)
def _repeat(count: int, s: str) -> str:
    if count < 0:
        raise FuncError("strings: negative Repeat count")
    return s * count


@fn("trimAll", S, S)
def _trim_all(cut: str, s: str) -> str:
    return s.strip(cut) if cut else s


alias("trimall", "trimAll")


@fn("trimSuffix", S, S)
def _trim_suffix(suffix: str, s: str) -> str:
    return s[: -len(suffix)] if suffix and s.endswith(suffix) else s


@fn("trimPrefix", S, S)
def _trim_prefix(prefix: str, s: str) -> str:
    return s[len(prefix) :] if s.startswith(prefix) else s


@fn("nospace", S)
def _nospace(s: str) -> str:
    """goutils.DeleteWhiteSpace: it reads the string byte by byte, each byte a rune."""
    data = s.encode("utf-8", "surrogateescape")
    return "".join(chr(b) for b in data if b not in b"\t\n\v\f\r \x85\xa0")


@fn("initials", S)
def _initials(s: str) -> str:
    out, take = [], True
    for c in s:
        if c.isspace():
            take = True
        elif take:
            out.append(c)
            take = False
    return "".join(out)


@fn("swapcase", S)
def _swapcase(s: str) -> str:
    out = []
    for c in s:
        if c.isupper() or c.istitle():
            out.append(c.lower())
        elif c.islower():
            out.append(c.upper())
        else:
            out.append(c)
    return "".join(out)


def _words(s: str) -> list[str]:
    return re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", s)


@fn("snakecase", S)
def _snakecase(s: str) -> str:
    return _xstrings_case(s, "_")


@fn("kebabcase", S)
def _kebabcase(s: str) -> str:
    return _xstrings_case(s, "-")


def _xstrings_case(s: str, sep: str) -> str:
    """xstrings.ToSnakeCase: a separator before each new word, all lower case."""
    out: list[str] = []
    runes = list(s)
    n = len(runes)
    for i, c in enumerate(runes):
        if c in "_- .":
            if out and out[-1] != sep:
                out.append(sep)
            continue
        if c.isupper():
            prev = runes[i - 1] if i > 0 else ""
            nxt = runes[i + 1] if i + 1 < n else ""
            if (
                out
                and out[-1] != sep
                and (prev.islower() or prev.isdigit() or (prev.isupper() and nxt.islower()))
            ):
                out.append(sep)
            out.append(c.lower())
        else:
            out.append(c)
    return "".join(out).strip(sep) if s.strip("_- .") else ""


@fn("camelcase", S)
def _camelcase(s: str) -> str:
    parts = s.split("_")
    return "".join(p[:1].upper() + p[1:] for p in parts)


@fn("shuffle", S)
def _shuffle(s: str) -> str:
    chars = list(s)
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _wrap_words(s: str, width: int, sep: str, long_words: bool) -> str:
    """goutils.WrapCustom, on bytes as Go slices them."""
    data = s.encode("utf-8", "surrogateescape")
    if not data:
        return ""
    newline = (sep or "\n").encode("utf-8", "surrogateescape")
    width = max(width, 1)
    out = bytearray()
    offset = 0
    while len(data) - offset > width:
        if data[offset] == 0x20:
            offset += 1
            continue
        space = data.rfind(b" ", offset, width + offset + 1)
        if space >= offset:
            out += data[offset:space] + newline
            offset = space + 1
        elif long_words:
            out += data[offset : offset + width] + newline
            offset += width
        else:
            index = data.find(b" ", width + offset)
            if index == -1:
                out += data[offset:]
                offset = len(data)
            else:
                out += data[offset:index] + newline
                offset = index + 1
    out += data[offset:]
    return out.decode("utf-8", "surrogateescape")


@fn("wrap", I, S)
def _wrap(width: int, s: str) -> str:
    return _wrap_words(s, width, "\n", False)


@fn("wrapWith", I, S, S)
def _wrap_with(width: int, sep: str, s: str) -> str:
    return _wrap_words(s, width, sep, True)


@fn("contains", S, S)
def _contains(sub: str, s: str) -> bool:
    return sub in s


@fn("hasPrefix", S, S)
def _has_prefix(p: str, s: str) -> bool:
    return s.startswith(p)


@fn("hasSuffix", S, S)
def _has_suffix(p: str, s: str) -> bool:
    return s.endswith(p)


@fn("quote", variadic=A)
def _quote(*values: Any) -> str:
    return " ".join(quote(strval(v)) for v in values if v is not None)


@fn("squote", variadic=A)
def _squote(*values: Any) -> str:
    return " ".join(f"'{sprint_value(v, False)}'" for v in values if v is not None)


@fn("cat", variadic=A)
def _cat(*values: Any) -> str:
    kept = [v for v in values if v is not None]
    return sprintf(" ".join(["%v"] * len(kept)), kept)


@fn("indent", I, S)
def _indent(n: int, s: str) -> str:
    if n < 0:
        raise FuncError("strings: negative Repeat count")
    pad = " " * n
    return pad + s.replace("\n", "\n" + pad)


@fn("nindent", I, S)
def _nindent(n: int, s: str) -> str:
    return "\n" + _indent(n, s)


@fn("replace", S, S, S)
def _replace(old: str, new: str, s: str) -> str:
    if old == "":
        chars = list(s)
        return new + "".join(c + new for c in chars)
    return s.replace(old, new)


@fn("plural", S, S, I)
def _plural(one: str, many: str, count: int) -> str:
    return one if count == 1 else many


@fn("abbrev", I, S)
def _abbrev(width: int, s: str) -> str:
    return _abbrevboth(0, width, s) if width >= 4 else s


@fn("abbrevboth", I, I, S)
def _abbrevboth(left: int, right: int, s: str) -> str:
    """goutils.AbbreviateFull, on bytes as Go slices them."""
    if right < 4 or (left > 0 and right < 7):
        return s
    data = s.encode("utf-8", "surrogateescape")
    return _abbrev_bytes(data, left, right).decode("utf-8", "surrogateescape")


def _abbrev_bytes(s: bytes, left: int, right: int) -> bytes:
    if not s or right < 4 or len(s) <= right:
        return s
    offset = min(left, len(s))
    if len(s) - offset < right - 3:
        offset = len(s) - (right - 3)
    if offset <= 4:
        return s[: right - 3] + b"..."
    if right < 7:
        return s
    if offset + right - 3 < len(s):
        return b"..." + _abbrev_bytes(s[offset:], 0, right - 3)
    return b"..." + s[len(s) - (right - 3) :]


@fn("trunc", I, S)
def _trunc(c: int, s: str) -> str:
    b = s.encode("utf-8", "surrogateescape")
    if c < 0 and len(b) + c > 0:
        return b[len(b) + c :].decode("utf-8", "surrogateescape")
    if c >= 0 and len(b) > c:
        return b[:c].decode("utf-8", "surrogateescape")
    return s


@fn("sha1sum", S)
def _sha1(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8", "surrogateescape")).hexdigest()


@fn("sha256sum", S)
def _sha256(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8", "surrogateescape")).hexdigest()


@fn("adler32sum", S)
def _adler32(s: str) -> str:
    return str(zlib.adler32(s.encode("utf-8", "surrogateescape")))


def _rand(alphabet: str, count: int) -> str:
    if count < 0:
        raise FuncError(f"Requested random string length {count} is less than 0.")
    return "".join(secrets.choice(alphabet) for _ in range(count))


@fn("randAlphaNum", I)
def _rand_alnum(n: int) -> str:
    return _rand(string.ascii_letters + string.digits, n)


@fn("randAlpha", I)
def _rand_alpha(n: int) -> str:
    return _rand(string.ascii_letters, n)


@fn("randAscii", I)
def _rand_ascii(n: int) -> str:
    return _rand("".join(chr(c) for c in range(32, 127)), n)


@fn("randNumeric", I)
def _rand_numeric(n: int) -> str:
    return _rand(string.digits, n)


@fn("uuidv4")
def _uuidv4() -> str:
    import uuid

    return str(uuid.uuid4())


@fn("split", S, S)
def _split(sep: str, s: str) -> StrMap:
    return StrMap({f"_{i}": p for i, p in enumerate(_go_split(s, sep))})


@fn("splitn", S, I, S)
def _splitn(sep: str, n: int, s: str) -> StrMap:
    return StrMap({f"_{i}": p for i, p in enumerate(_go_split(s, sep, n))})


@fn("splitList", S, S)
def _split_list(sep: str, s: str) -> StrList:
    return StrList(_go_split(s, sep))


def _go_split(s: str, sep: str, n: int = -1) -> list[str]:
    if n == 0:
        return []
    if sep == "":
        chars = list(s)
        if 0 < n < len(chars):
            return [*chars[: n - 1], "".join(chars[n - 1 :])]
        return chars
    if n < 0:
        return s.split(sep)
    return s.split(sep, n - 1)


def strslice(v: Any) -> StrList:
    if isinstance(v, StrList):
        return v
    if isinstance(v, list):
        return StrList(strval(x) for x in v if x is not None)
    if v is None:
        return StrList()
    return StrList([strval(v)])


@fn("toStrings", A)
def _to_strings(v: Any) -> StrList:
    return strslice(v)


@fn("join", S, A)
def _join(sep: str, v: Any) -> str:
    return sep.join(strslice(v))


@fn("sortAlpha", A)
def _sort_alpha(v: Any) -> StrList:
    if isinstance(v, list):
        items = strslice(v)
        return StrList(sorted(items, key=lambda s: s.encode("utf-8", "surrogateescape")))
    return StrList([strval(v)])


# encoding -------------------------------------------------------------------------------


@fn("b64enc", S)
def _b64enc(s: str) -> str:
    return base64.b64encode(s.encode("utf-8", "surrogateescape")).decode()


@fn("b64dec", S)
def _b64dec(s: str) -> str:
    try:
        if len(s) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", s):
            raise binascii.Error
        return base64.b64decode(s, validate=True).decode("utf-8", "surrogateescape")
    except (binascii.Error, ValueError):
        bad = next(
            (i for i, c in enumerate(s) if c not in string.ascii_letters + string.digits + "+/="),
            None,
        )
        return (
            f"illegal base64 data at input byte {bad if bad is not None else len(s) - len(s) % 4}"
        )


@fn("b32enc", S)
def _b32enc(s: str) -> str:
    return base64.b32encode(s.encode("utf-8", "surrogateescape")).decode()


@fn("b32dec", S)
def _b32dec(s: str) -> str:
    try:
        return base64.b32decode(s).decode("utf-8", "surrogateescape")
    except (binascii.Error, ValueError):
        return "illegal base32 data at input byte 0"


@fn("toJson", A)
def _to_json(v: Any) -> str:
    try:
        return gojson.marshal(v)
    except gojson.UnsupportedValue:
        return ""


@fn("mustToJson", A)
def _must_to_json(v: Any) -> str:
    try:
        return gojson.marshal(v)
    except gojson.UnsupportedValue as exc:
        raise FuncError(str(exc)) from None


@fn("toPrettyJson", A)
def _to_pretty_json(v: Any) -> str:
    try:
        return gojson.marshal(v, indent="  ")
    except gojson.UnsupportedValue:
        return ""


@fn("mustToPrettyJson", A)
def _must_to_pretty_json(v: Any) -> str:
    try:
        return gojson.marshal(v, indent="  ")
    except gojson.UnsupportedValue as exc:
        raise FuncError(str(exc)) from None


@fn("toRawJson", A)
def _to_raw_json(v: Any) -> str:
    try:
        return gojson.marshal(v, escape_html=False)
    except gojson.UnsupportedValue as exc:
        raise FuncError(str(exc)) from None


alias("mustToRawJson", "toRawJson")


@fn("fromJson", S)
def _from_json(s: str) -> Any:
    try:
        return gojson.unmarshal(s)
    except ValueError:
        return None


@fn("mustFromJson", S)
def _must_from_json(s: str) -> Any:
    try:
        return gojson.unmarshal(s)
    except ValueError as exc:
        raise FuncError(str(exc)) from None


# defaults -------------------------------------------------------------------------------


def empty(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, (str, list, dict)):
        return len(v) == 0
    if isinstance(v, (bool, int, float)):
        return not v
    return False


@fn("empty", A)
def _empty(v: Any) -> bool:
    return empty(v)


@fn("default", A, variadic=A)
def _default(d: Any, *given: Any) -> Any:
    if not given or empty(given[0]):
        return d
    return given[0]


@fn("coalesce", variadic=A)
def _coalesce(*values: Any) -> Any:
    return next((v for v in values if not empty(v)), None)


@fn("all", variadic=A)
def _all(*values: Any) -> bool:
    return all(not empty(v) for v in values)


@fn("any", variadic=A)
def _any(*values: Any) -> bool:
    return any(not empty(v) for v in values)


@fn("ternary", A, A, "bool")
def _ternary(t: Any, f: Any, cond: bool) -> Any:
    return t if cond else f


@fn("compact", A)
def _compact(v: Any) -> list[Any]:
    return [x for x in _must_list(v, "compact") if not empty(x)]


alias("mustCompact", "compact")


@fn("deepCopy", A)
def _deep_copy(v: Any) -> Any:
    return copy.deepcopy(v)


alias("mustDeepCopy", "deepCopy")


@fn("typeOf", A)
def _type_of(v: Any) -> str:
    return type_name(v)


@fn("typeIs", S, A)
def _type_is(t: str, v: Any) -> bool:
    return t == type_name(v)


@fn("typeIsLike", S, A)
def _type_is_like(t: str, v: Any) -> bool:
    name = type_name(v)
    return t in (name, "*" + name)


@fn("kindOf", A)
def _kind_of(v: Any) -> str:
    return kind_name(v)


@fn("kindIs", S, A)
def _kind_is(k: str, v: Any) -> bool:
    return k == kind_name(v)


@fn("deepEqual", A, A)
def _deep_equal(a: Any, b: Any) -> bool:
    return type_name(a) == type_name(b) and _deep(a, b)


def _deep(a: Any, b: Any) -> bool:
    if type_name(a) != type_name(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_deep(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_deep(a[k], b[k]) for k in a)
    return a == b


# os and paths ---------------------------------------------------------------------------


@fn("env", S)
def _env(name: str) -> str:
    return os.environ.get(name, "")


@fn("expandenv", S)
def _expandenv(s: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2) or m.group(3) or ""
        return os.environ.get(name, "")

    return re.sub(r"\$\{([^}]*)\}|\$([A-Za-z0-9_]+)|\$([*#$@!?\-0-9])", sub, s)


@fn("getHostByName", S)
def _get_host_by_name(name: str) -> str:
    import socket

    try:
        return socket.gethostbyname(name)
    except OSError:
        return ""


def _clean(p: str) -> str:
    if p == "":
        return "."
    return (
        posixpath.normpath(p).replace("//", "/")
        if not p.startswith("//")
        else "/" + posixpath.normpath(p).lstrip("/")
    )


@fn("base", S)
def _base(p: str) -> str:
    if p == "":
        return "."
    p = p.rstrip("/")
    if p == "":
        return "/"
    return p[p.rfind("/") + 1 :]


@fn("dir", S)
def _dir(p: str) -> str:
    return _clean(p[: p.rfind("/") + 1])


@fn("clean", S)
def _clean_fn(p: str) -> str:
    return _clean(p)


@fn("ext", S)
def _ext(p: str) -> str:
    for i in range(len(p) - 1, -1, -1):
        if p[i] == "/":
            break
        if p[i] == ".":
            return p[i:]
    return ""


@fn("isAbs", S)
def _is_abs(p: str) -> bool:
    return p.startswith("/")


for _name, _of in (
    ("osBase", "base"),
    ("osDir", "dir"),
    ("osClean", "clean"),
    ("osExt", "ext"),
    ("osIsAbs", "isAbs"),
):
    alias(_name, _of)


# lists ----------------------------------------------------------------------------------


def _must_list(v: Any, name: str) -> list[Any]:
    if isinstance(v, list):
        return list(v)
    raise FuncError(
        f"Cannot find {name} on type {type_name(v)}"
        if v is not None
        else f"Cannot find {name} on type <nil>"
    )


@fn("list", variadic=A)
def _list(*values: Any) -> list[Any]:
    return list(values)


alias("tuple", "list")


@fn("until", I)
def _until(n: int) -> IntList:
    return _until_step(0, n, 1 if n >= 0 else -1)


@fn("untilStep", I, I, I)
def _until_step(start: int, stop: int, step: int) -> IntList:
    if stop < start:
        if step >= 0:
            return IntList()
        return IntList(range(start, stop, step))
    if step <= 0:
        return IntList()
    return IntList(range(start, stop, step))


@fn("seq", variadic=I)
def _seq(*params: int) -> str:
    if len(params) == 1:
        start, end = 1, params[0]
        inc = -1 if end < start else 1
        values = _until_step(start, end + inc, inc)
    elif len(params) == 2:
        start, end = params
        step = -1 if end < start else 1
        values = _until_step(start, end + step, step)
    elif len(params) == 3:
        start, step, end = params
        inc = 1
        if end < start:
            inc = -1
            if step > 0:
                return ""
        values = _until_step(start, end + inc, step)
    else:
        return ""
    return " ".join(str(v) for v in values)


def _list_fn(name: str, must: str, body: Any, empty_result: Any = None) -> None:
    def plain(v: Any) -> Any:
        if not isinstance(v, list):
            raise FuncError(f"Cannot find {name} on type {type_name(v)}")
        return body(list(v)) if v else empty_result

    SPRIG[must] = SPRIG["list"].__class__(must, plain, (A,))

    def lenient(v: Any) -> Any:
        return plain(v)

    SPRIG[name] = SPRIG["list"].__class__(name, lenient, (A,))


_list_fn("first", "mustFirst", lambda v: v[0])
_list_fn("last", "mustLast", lambda v: v[-1])
_list_fn("rest", "mustRest", lambda v: v[1:], empty_result=[])
_list_fn("initial", "mustInitial", lambda v: v[:-1], empty_result=[])


def _reverse(v: list[Any]) -> list[Any]:
    return list(reversed(v))


_list_fn("reverse", "mustReverse", _reverse, empty_result=[])


def _uniq(v: list[Any]) -> list[Any]:
    out: list[Any] = []
    for x in v:
        if not any(_deep(x, y) for y in out):
            out.append(x)
    return out


_list_fn("uniq", "mustUniq", _uniq, empty_result=[])


@fn("append", A, A)
def _append(lst: Any, v: Any) -> list[Any]:
    return [*_must_list_push(lst, "push"), v]


def _must_list_push(v: Any, name: str) -> list[Any]:
    if isinstance(v, list):
        return list(v)
    raise FuncError(f"Cannot {name} on type {type_name(v)}")


alias("push", "append")
alias("mustAppend", "append")
alias("mustPush", "append")


@fn("prepend", A, A)
def _prepend(lst: Any, v: Any) -> list[Any]:
    return [v, *_must_list_push(lst, "prepend")]


alias("mustPrepend", "prepend")


@fn("without", A, variadic=A)
def _without(lst: Any, *omit: Any) -> list[Any]:
    items = _must_list_push(lst, "find without")
    return [x for x in items if not any(_deep(x, o) for o in omit)]


alias("mustWithout", "without")


@fn("has", A, A)
def _has(needle: Any, haystack: Any) -> bool:
    if haystack is None:
        return False
    if not isinstance(haystack, list):
        raise FuncError(f"Cannot find has on type {type_name(haystack)}")
    return any(_deep(x, needle) for x in haystack)


alias("mustHas", "has")


@fn("slice", A, variadic=A)
def _slice(lst: Any, *indices: Any) -> Any:
    if not isinstance(lst, list):
        raise FuncError(f"list should be type of slice or array but {type_name(lst)}")
    n = len(lst)
    if n == 0:
        return lst[:0]
    start = to_int64(indices[0]) if indices else 0
    end = to_int64(indices[1]) if len(indices) > 1 else n
    if start < 0 or end > n or start > end:
        raise FuncError(f"runtime error: slice bounds out of range [{start}:{end}]")
    return type(lst)(lst[start:end]) if isinstance(lst, (StrList, IntList)) else lst[start:end]


alias("mustSlice", "slice")


@fn("concat", variadic=A)
def _concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for lst in lists:
        if not isinstance(lst, list):
            raise FuncError(f"Cannot concat type {type_name(lst)} as list")
        out.extend(lst)
    return out


@fn("chunk", I, A)
def _chunk(size: int, lst: Any) -> list[Any]:
    items = _must_list_push(lst, "chunk")
    if size <= 0:
        raise FuncError("runtime error: integer divide by zero")
    return [items[i : i + size] for i in range(0, len(items), size)]


alias("mustChunk", "chunk")


# dicts ----------------------------------------------------------------------------------


@fn("dict", variadic=A)
def _dict(*pairs: Any) -> dict[str, Any]:
    values = list(pairs)
    if len(values) % 2:
        values.append("")
    out: dict[str, Any] = {}
    for i in range(0, len(values), 2):
        out[strval(values[i])] = values[i + 1]
    return out


@fn("get", M, S)
def _get(d: dict[str, Any], key: str) -> Any:
    return d.get(key, "")


@fn("set", M, S, A)
def _set(d: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    d[key] = value
    return d


@fn("unset", M, S)
def _unset(d: dict[str, Any], key: str) -> dict[str, Any]:
    d.pop(key, None)
    return d


@fn("hasKey", M, S)
def _has_key(d: dict[str, Any], key: str) -> bool:
    return key in d


@fn("pluck", S, variadic=M)
def _pluck(key: str, *dicts: dict[str, Any]) -> list[Any]:
    return [d[key] for d in dicts if key in d]


@fn("keys", variadic=M)
def _keys(*dicts: dict[str, Any]) -> StrList:
    return StrList(k for d in dicts for k in d)


@fn("pick", M, variadic=S)
def _pick(d: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: d[k] for k in keys if k in d}


@fn("omit", M, variadic=S)
def _omit(d: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in keys}


@fn("values", M)
def _values(d: dict[str, Any]) -> list[Any]:
    return list(d.values())


def _merge_into(dst: dict[str, Any], src: dict[str, Any], overwrite: bool) -> None:
    for k, v in src.items():
        if (
            k in dst
            and isinstance(dst[k], dict)
            and isinstance(v, dict)
            and type(dst[k]) is type(v)
        ):
            _merge_into(dst[k], v, overwrite)
        elif k not in dst or (empty(dst[k]) if not overwrite else not empty(v)):
            dst[k] = v


@fn("merge", M, variadic=M)
def _merge(dst: dict[str, Any], *srcs: dict[str, Any]) -> dict[str, Any]:
    for src in srcs:
        _merge_into(dst, src, False)
    return dst


@fn("mergeOverwrite", M, variadic=M)
def _merge_overwrite(dst: dict[str, Any], *srcs: dict[str, Any]) -> dict[str, Any]:
    for src in srcs:
        _merge_into(dst, src, True)
    return dst


alias("mustMerge", "merge")
alias("mustMergeOverwrite", "mergeOverwrite")


@fn("dig", variadic=A)
def _dig(*ps: Any) -> Any:
    if len(ps) < 3:
        raise FuncError("dig needs at least three arguments")
    d = ps[-1]
    if not isinstance(d, dict):
        raise FuncError(
            f"interface conversion: interface {{}} is {type_name(d)}, not map[string]interface {{}}"
        )
    default = ps[-2]
    keys = [ps[i] for i in range(len(ps) - 2)]
    for i, k in enumerate(keys):
        if not isinstance(k, str):
            raise FuncError(f"interface conversion: interface {{}} is {type_name(k)}, not string")
        if k not in d:
            return default
        if i == len(keys) - 1:
            return d[k]
        d = d[k]
        if not isinstance(d, dict):
            raise FuncError(
                f"interface conversion: interface {{}} is {type_name(d)}, not map[string]interface {{}}"
            )
    return default


# math -----------------------------------------------------------------------------------


@fn("add1", A)
def _add1(v: Any) -> Int64:
    return Int64(_wrap_int(to_int64(v) + 1))


@fn("add", variadic=A)
def _add(*values: Any) -> Int64:
    return Int64(_wrap_int(sum(to_int64(v) for v in values)))


@fn("sub", A, A)
def _sub(a: Any, b: Any) -> Int64:
    return Int64(_wrap_int(to_int64(a) - to_int64(b)))


def _go_div(a: int, b: int) -> int:
    if b == 0:
        raise FuncError("runtime error: integer divide by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


@fn("div", A, A)
def _div(a: Any, b: Any) -> Int64:
    return Int64(_wrap_int(_go_div(to_int64(a), to_int64(b))))


@fn("mod", A, A)
def _mod(a: Any, b: Any) -> Int64:
    x, y = to_int64(a), to_int64(b)
    return Int64(x - _go_div(x, y) * y)


@fn("mul", A, variadic=A)
def _mul(a: Any, *values: Any) -> Int64:
    result = to_int64(a)
    for v in values:
        result = _wrap_int(result * to_int64(v))
    return Int64(result)


@fn("randInt", I, I)
def _rand_int(lo: int, hi: int) -> int:
    if hi - lo <= 0:
        raise FuncError("invalid argument to Intn")
    return lo + secrets.randbelow(hi - lo)


@fn("max", A, variadic=A)
def _max(a: Any, *values: Any) -> Int64:
    return Int64(max([to_int64(a), *(to_int64(v) for v in values)]))


@fn("min", A, variadic=A)
def _min(a: Any, *values: Any) -> Int64:
    return Int64(min([to_int64(a), *(to_int64(v) for v in values)]))


def _go_max(a: float, b: float) -> float:
    if (math.isinf(a) and a > 0) or (math.isinf(b) and b > 0):
        return math.inf
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return max(a, b)


def _go_min(a: float, b: float) -> float:
    if (math.isinf(a) and a < 0) or (math.isinf(b) and b < 0):
        return -math.inf
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return min(a, b)


@fn("maxf", A, variadic=A)
def _maxf(a: Any, *values: Any) -> float:
    result = to_float64(a)
    for v in values:
        result = _go_max(result, to_float64(v))
    return result


@fn("minf", A, variadic=A)
def _minf(a: Any, *values: Any) -> float:
    result = to_float64(a)
    for v in values:
        result = _go_min(result, to_float64(v))
    return result


def _decimal_op(a: Any, values: tuple[Any, ...], op: str) -> float:
    def dec(v: Any) -> Decimal:
        f = to_float64(v)
        if math.isnan(f) or math.isinf(f):
            raise FuncError("Cannot create a Decimal from " + sprint_value(f, False))
        return Decimal(repr(f))

    result = dec(a)
    for v in values:
        d = dec(v)
        if op == "+":
            result += d
        elif op == "-":
            result -= d
        elif op == "*":
            result *= d
        else:
            if d == 0:
                raise FuncError("decimal division by 0")
            result = (result / d).quantize(Decimal(1).scaleb(-16)) if result % d else result / d
    return float(result) or 0.0  # a decimal has no negative zero


@fn("add1f", A)
def _add1f(v: Any) -> float:
    return _decimal_op(v, (1,), "+")


@fn("addf", variadic=A)
def _addf(*values: Any) -> float:
    return _decimal_op(0.0, values, "+")


@fn("subf", A, variadic=A)
def _subf(a: Any, *values: Any) -> float:
    return _decimal_op(a, values, "-")


@fn("mulf", A, variadic=A)
def _mulf(a: Any, *values: Any) -> float:
    return _decimal_op(a, values, "*")


@fn("divf", A, variadic=A)
def _divf(a: Any, *values: Any) -> float:
    return _decimal_op(a, values, "/")


@fn("floor", A)
def _floor(v: Any) -> float:
    f = to_float64(v)
    return float(math.floor(f)) if math.isfinite(f) else f


@fn("ceil", A)
def _ceil(v: Any) -> float:
    f = to_float64(v)
    return float(math.ceil(f)) if math.isfinite(f) else f


@fn("round", A, I, variadic="float64")
def _round(v: Any, places: int, *opt: float) -> float:
    round_on = opt[0] if opt else 0.5
    value = to_float64(v)
    pow10 = math.pow(10, float(places))
    digit = pow10 * value
    if not math.isfinite(digit):
        return digit / pow10
    frac = math.modf(digit)[0]
    rounded = math.ceil(digit) if frac >= round_on else math.floor(digit)
    return float(rounded) / pow10


@fn("biggest", A, variadic=A)
def _biggest(a: Any, *values: Any) -> Int64:
    return _max(a, *values)


# regular expressions (Python's re for RE2's common syntax) -------------------------------


def _re(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise FuncError(f"error parsing regexp: {exc}") from None


def _regex_fn(name: str, params: tuple[str, ...], body: Any) -> None:
    def must(*args: Any) -> Any:
        return body(*args)

    def lenient(*args: Any) -> Any:
        return body(*args)

    SPRIG[name] = SPRIG["list"].__class__(name, lenient, params)
    SPRIG["must" + name[0].upper() + name[1:]] = SPRIG["list"].__class__(
        "must" + name[0].upper() + name[1:], must, params
    )


def _go_repl(repl: str) -> str:
    """Go's $1 / ${name} expansion as Python's \\g<...>."""
    out = []
    i = 0
    while i < len(repl):
        c = repl[i]
        if c == "$" and i + 1 < len(repl):
            if repl[i + 1] == "$":
                out.append("$")
                i += 2
                continue
            m = re.match(r"\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+)", repl[i + 1 :])
            if m:
                name = m.group(1) or m.group(2)
                out.append(f"\x00{name}\x00")
                i += 1 + len(m.group())
                continue
        out.append(c.replace("\\", "\\\\"))
        i += 1
    return "".join(out)


def _expand(template: str, m: re.Match[str]) -> str:
    parts = template.split("\x00")
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part.replace("\\\\", "\\"))
            continue
        try:
            group = m.group(int(part)) if part.isdigit() else m.group(part)
        except (IndexError, error_types()):
            group = ""
        out.append(group or "")
    return "".join(out)


def error_types() -> type[Exception]:
    return IndexError


_regex_fn("regexMatch", (S, S), lambda p, s: _re(p).search(s) is not None)
_regex_fn("regexFind", (S, S), lambda p, s: m.group() if (m := _re(p).search(s)) else "")
_regex_fn(
    "regexFindAll",
    (S, S, I),
    lambda p, s, n: StrList([m.group() for m in _re(p).finditer(s)][: n if n >= 0 else None]),
)
_regex_fn(
    "regexReplaceAll",
    (S, S, S),
    lambda p, s, r: _re(p).sub(lambda m: _expand(_go_repl(r), m), s),
)
_regex_fn("regexReplaceAllLiteral", (S, S, S), lambda p, s, r: _re(p).sub(lambda m: r, s))
_regex_fn(
    "regexSplit",
    (S, S, I),
    lambda p, s, n: StrList(_re(p).split(s, maxsplit=max(n - 1, 0)) if n != 0 else []),
)
SPRIG["regexQuoteMeta"] = SPRIG["list"].__class__(
    "regexQuoteMeta", lambda s: re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", s), (S,)
)


@fn("fail", S)
def _fail(message: str) -> str:
    raise FuncError(message)


@fn("urlJoin", M)
def _url_join(d: dict[str, Any]) -> str:
    raise FuncError("urlJoin is not available")


_ = L
