"""Typed options from a dataclass schema, read as KrakenD reads its configuration.

KrakenD decodes its configuration with weak typing (mapstructure's ``WeaklyTypedInput``):
``"1"`` or ``true`` where an integer is expected, a number where a string is, a single value
where a list is. A configuration written for it must start here too, so each such value is
converted and reported as a warning (``check --lint`` makes warnings errors). What cannot be
converted, or falls outside a field's range, is an error naming the field. Every problem of
a document is collected, not only the first.

A schema is a dataclass whose fields have these types: ``str``, ``int``, ``float``, ``bool``,
``Duration`` (Go durations: ``"1m30s"``), a ``Literal`` of strings, ``list[T]``,
``tuple[T, ...]``, ``dict[str, T]``, ``Any`` (taken as written), another schema dataclass, or
``T | None``. ``Annotated`` adds ``Range(min, max)``, ``Key("json-key")`` where the key is
not a Python name, ``Unsupported(reason)`` and ``Rest()`` (see each). A field without a
default is required. A ``__post_init__`` may raise ``OptionError(field, message)`` for rules
across fields.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from propylon.config.duration import format_duration, parse_duration
from propylon.config.errors import preview as shown
from propylon.config.problems import Problems

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Range:
    """Inclusive bounds of a number (a Duration's are in seconds)."""

    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class Key:
    """The key a field is read from, where it differs from the field's name."""

    name: str


@dataclass(frozen=True, slots=True)
class Rest:
    """Marks a ``dict[str, Any]`` field that receives every key the schema does not name
    (a plugin's own options beside its ``name``): they are kept, not warned about."""


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A field KrakenD reads that this gateway accepts without implementing it: a value
    given for it is warned about by name, never silently dropped."""

    reason: str = "not implemented by this gateway"


class _DurationMark:
    pass


# Seconds, written in the configuration as a Go duration ("300ms", "1m") or nanoseconds.
Duration = Annotated[float, _DurationMark()]


class OptionError(Exception):
    """Raised by a schema's ``__post_init__``: ``field`` is the key the message is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_INVALID = object()
_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))


def parse_options(schema: type[T], raw: object, where: str, problems: Problems) -> T | None:
    """``raw`` read into ``schema``; None (with the errors in ``problems``) when it cannot be."""
    value = _reader(schema)(raw, where, problems)  # type: ignore[arg-type]  # types hash
    return None if value is _INVALID else value


def read_value(tp: Any, raw: object, where: str, problems: Problems) -> tuple[bool, Any]:
    """(True, value) with ``raw`` read as the type ``tp`` (any type a schema field may have),
    or (False, None) with the errors in ``problems``."""
    value = _reader(tp)(raw, where, problems)
    return (False, None) if value is _INVALID else (True, value)


Reader = Callable[[object, str, Problems], Any]


@cache
def _reader(tp: Any) -> Reader:
    """The reader of one type, built once per type."""
    extras: tuple[Any, ...] = ()
    if get_origin(tp) is Annotated:
        tp, *rest = get_args(tp)
        extras = tuple(rest)
    if any(isinstance(e, _DurationMark) for e in extras):
        return _ranged(_read_duration, extras, format_duration)
    origin = get_origin(tp)
    if tp is Any or tp is object:
        return lambda raw, _where, _problems: raw
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(tp) if a is not type(None)]
        read = _reader(inner[0] if len(inner) == 1 else Any)
        return lambda raw, where, problems: None if raw is None else read(raw, where, problems)
    if origin is Literal:
        return _literal(get_args(tp))
    if origin in (list, tuple):
        return _sequence(_reader(get_args(tp)[0]), list if origin is list else tuple)
    if origin is dict:
        return _mapping(_reader(get_args(tp)[1]))
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _object(tp)
    scalar = {str: _read_str, int: _read_int, float: _read_float, bool: _read_bool}.get(tp)
    if scalar is None:
        raise TypeError(f"a schema field cannot have the type {tp!r}")
    return _ranged(scalar, extras)


def _ranged(
    read: Reader, extras: tuple[Any, ...], unit: Callable[[float], str] | None = None
) -> Reader:
    bounds = [e for e in extras if isinstance(e, Range)]
    if not bounds:
        return read
    low, high = bounds[0].minimum, bounds[0].maximum
    limits = _bounds(low, high, unit or _number)

    def read_in_range(raw: object, where: str, problems: Problems) -> Any:
        value = read(raw, where, problems)
        if value is _INVALID or isinstance(value, bool):
            return value
        if (low is not None and value < low) or (high is not None and value > high):
            problems.error(where, f"must be {limits}, got {shown(raw)}")
            return _INVALID
        return value

    return read_in_range


def _bounds(low: float | None, high: float | None, unit: Callable[[float], str]) -> str:
    if low is not None and high is not None:
        return f"between {unit(low)} and {unit(high)}"
    return f"at least {unit(low)}" if low is not None else f"at most {unit(high)}"  # type: ignore[arg-type]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def _mismatch(problems: Problems, where: str, what: str, raw: object) -> Any:
    problems.error(where, f"expected {what}, got {_kind(raw)} {shown(raw)}")
    return _INVALID


def _weak(problems: Problems, where: str, raw: object, value: object, what: str) -> Any:
    what = f"{what} " if what else ""
    problems.warn(where, f"{shown(raw)} read as {what}{shown(value)}, as KrakenD reads it")
    return value


def _read_str(raw: object, where: str, problems: Problems) -> Any:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return _weak(problems, where, raw, "1" if raw else "0", "the string")
    if isinstance(raw, int) or (isinstance(raw, float) and math.isfinite(raw)):
        text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
        return _weak(problems, where, raw, text, "the string")
    return _mismatch(problems, where, "a string", raw)


def _read_int(raw: object, where: str, problems: Problems) -> Any:
    if isinstance(raw, bool):
        return _weak(problems, where, raw, int(raw), "the integer")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and math.isfinite(raw):
        if raw.is_integer():
            return int(raw)
        return _weak(problems, where, raw, int(raw), "the integer")
    if isinstance(raw, str):
        try:
            return _weak(problems, where, raw, int(raw.strip(), 0), "the integer")
        except ValueError:
            pass
    return _mismatch(problems, where, "an integer", raw)


def _read_float(raw: object, where: str, problems: Problems) -> Any:
    if isinstance(raw, bool):
        return _weak(problems, where, raw, float(raw), "the number")
    if isinstance(raw, int | float) and math.isfinite(raw):
        return float(raw)
    if isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            return _weak(problems, where, raw, value, "the number")
    return _mismatch(problems, where, "a number", raw)


def _read_bool(raw: object, where: str, problems: Problems) -> Any:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _weak(problems, where, raw, raw != 0, "")
    if isinstance(raw, str) and (raw in _TRUE or raw in _FALSE):
        return _weak(problems, where, raw, raw in _TRUE, "")
    return _mismatch(problems, where, "true or false", raw)


def _read_duration(raw: object, where: str, problems: Problems) -> Any:
    if isinstance(raw, int) and not isinstance(raw, bool):
        # Go's time.Duration is a count of nanoseconds: KrakenD reads a bare number so.
        seconds = raw / 1e9
        problems.warn(
            where,
            f"{shown(raw)} read as {format_duration(seconds)}: a bare number is nanoseconds, "
            'as KrakenD reads it (write a unit: "3s", "500ms")',
        )
        return seconds
    try:
        return parse_duration(raw)
    except ValueError as exc:
        problems.error(where, str(exc))
        return _INVALID


def _literal(choices: tuple[Any, ...]) -> Reader:
    names = ", ".join(shown(c) for c in choices)

    def read_choice(raw: object, where: str, problems: Problems) -> Any:
        value = _read_str(raw, where, problems) if not isinstance(raw, str) else raw
        if value is _INVALID:
            return value
        if value not in choices:
            problems.error(where, f"must be one of {names}, got {shown(raw)}")
            return _INVALID
        return value

    return read_choice


def _sequence(read_item: Reader, container: type) -> Reader:
    def read_sequence(raw: object, where: str, problems: Problems) -> Any:
        if isinstance(raw, dict) and not raw:
            raw = _weak(problems, where, raw, [], "the list")
        elif not isinstance(raw, list):
            if isinstance(raw, dict):
                return _mismatch(problems, where, "a list", raw)
            raw = _weak(problems, where, raw, [raw], "the list")
        values = raw if isinstance(raw, list) else []
        items = [read_item(item, f"{where}[{i}]", problems) for i, item in enumerate(values)]
        if any(item is _INVALID for item in items):
            return _INVALID
        return container(items)

    return read_sequence


def _mapping(read_value: Reader) -> Reader:
    def read_mapping(raw: object, where: str, problems: Problems) -> Any:
        if isinstance(raw, list) and not raw:
            raw = _weak(problems, where, raw, {}, "the object")
        if not isinstance(raw, dict):
            return _mismatch(problems, where, "an object", raw)
        values = {str(k): read_value(v, f"{where}.{k}", problems) for k, v in raw.items()}
        if any(v is _INVALID for v in values.values()):
            return _INVALID
        return values

    return read_mapping


def _object(schema: type) -> Reader:
    hints = typing.get_type_hints(schema, include_extras=True)
    fields: list[tuple[str, str, Reader, bool]] = []
    unsupported: dict[str, str] = {}
    rest = ""
    for f in dataclasses.fields(schema):
        if not f.init:
            continue
        tp = hints[f.name]
        key = f.name
        if get_origin(tp) is Annotated:
            marks = get_args(tp)[1:]
            key = next((e.name for e in marks if isinstance(e, Key)), key)
            if any(isinstance(e, Rest) for e in marks):
                rest = f.name
                continue
            for mark in marks:
                if isinstance(mark, Unsupported):
                    unsupported[key] = mark.reason
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        fields.append((f.name, key, _reader(tp), required))
    known = frozenset(key for _, key, _, _ in fields)

    def read_object(raw: object, where: str, problems: Problems) -> Any:
        if not isinstance(raw, dict):
            return _mismatch(problems, where, "an object", raw)
        values: dict[str, Any] = {}
        failed = False
        for name, key, read, required in fields:
            at = f"{where}.{key}" if where else key
            if key not in raw or raw[key] is None:
                if required:
                    problems.error(at, "is required")
                    failed = True
                continue
            value = read(raw[key], at, problems)
            failed = failed or value is _INVALID
            if key in unsupported:
                problems.warn(at, f"accepted, but {unsupported[key]}: ignored")
            values[name] = value
        others = {k: v for k, v in raw.items() if k not in known}
        if rest:
            values[rest] = others
        else:
            for key in others:
                if not str(key).startswith(("$", "@")):
                    problems.warn(f"{where}.{key}" if where else str(key), "unknown field ignored")
        if failed:
            return _INVALID
        try:
            return schema(**values)
        except OptionError as exc:
            problems.error(f"{where}.{exc.field}" if where else exc.field, exc.message)
            return _INVALID

    return read_object
