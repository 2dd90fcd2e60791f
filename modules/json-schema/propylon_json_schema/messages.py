"""Why a body does not match its schema, in the words KrakenD answers with.

KrakenD returns santhosh-tekuri/jsonschema's error without its first line: one
``- at '<JSON pointer>': <reason>`` line per failure, and the reasons of an ``anyOf`` or
``oneOf`` indented beneath it. The reasons here use that library's wording (``got string, want
number``, ``missing property 'id'``, ``additional properties 'x' not allowed``). As there,
once ``type`` fails, nothing else of that subschema is reported. Go orders an object's
properties at random, so KrakenD's order is not stable; here it is the validator's. At most
``MAX_ERRORS`` failures are listed, so a huge body cannot make a huge answer.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import jsonschema_rs
import orjson

MAX_ERRORS = 50
Error = jsonschema_rs.ValidationError


def describe(errors: Iterable[Error], schema: dict[str, Any]) -> str:
    """The lines of the first ``MAX_ERRORS`` failures of a body against ``schema``."""
    lines: list[str] = []
    for error in _merged(_pruned(errors)):
        lines.extend(_lines(error, schema, 0))
    return "\n".join(lines)


def _pruned(errors: Iterable[Error]) -> Iterator[Error]:
    """Drops what santhosh never checks: the rest of a subschema whose ``type`` failed."""
    failed: list[tuple[tuple[Any, ...], tuple[Any, ...]]] = []
    count = 0
    for error in errors:
        where, schema = tuple(error.instance_path), tuple(error.schema_path)
        if any(where[: len(w)] == w and schema[: len(s)] == s for w, s in failed):
            continue
        if isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Type):
            failed.append((where, schema[:-1]))
        yield error
        count += 1
        if count >= MAX_ERRORS:
            return


def _merged(errors: Iterable[Error]) -> Iterator[Error | tuple[str, list[str], Error]]:
    """One ``required`` failure per subschema, listing every missing property."""
    pending: tuple[str, list[str], Error] | None = None
    for error in errors:
        kind = error.kind
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
            key = _pointer(error.instance_path) + "#" + "/".join(map(str, error.schema_path))
            if pending is not None and pending[0] == key:
                pending[1].append(str(kind.property))
                continue
            if pending is not None:
                yield pending
            pending = (key, [str(kind.property)], error)
            continue
        if pending is not None:
            yield pending
            pending = None
        yield error
    if pending is not None:
        yield pending


def _lines(item: Error | tuple[str, list[str], Error], schema: Any, depth: int) -> list[str]:
    if isinstance(item, tuple):
        _, missing, error = item
        return [_line(error, _missing(error, missing, schema), depth)]
    error = item
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.UnevaluatedProperties):
        base = list(error.instance_path)
        return [_at([*base, name], "false schema", depth) for name in kind.unexpected]
    reason = _reason(error, schema)
    lines = [_line(error, reason, depth)]
    context = getattr(kind, "context", None)
    if context and not isinstance(kind, jsonschema_rs.ValidationErrorKind.OneOfMultipleValid):
        for branch in context:
            for cause in _merged(_pruned(branch)):
                lines.extend(_lines(cause, schema, depth + 1))
    return lines


def _line(error: Error, reason: str, depth: int) -> str:
    return _at(error.instance_path, reason, depth)


def _at(path: Iterable[Any], reason: str, depth: int) -> str:
    return f"{'  ' * depth}- at {quote(_pointer(path))}: {reason}"


def _missing(error: Error, missing: list[str], schema: Any) -> str:
    keyword = str(error.schema_path[-1]) if error.schema_path else ""
    names = ", ".join(quote(m) for m in missing)
    if keyword in ("dependentRequired", "dependencies"):
        return f"properties {names} required, if {quote(_trigger(error, missing, schema))} exists"
    if len(missing) == 1:
        return f"missing property {names}"
    return f"missing properties {names}"


def _trigger(error: Error, missing: list[str], schema: Any) -> str:
    """The present property whose dependency names the missing ones."""
    rules = _subschema(schema, error.schema_path)
    instance = error.instance
    if isinstance(rules, dict) and isinstance(instance, dict):
        for name, needed in rules.items():
            if name in instance and isinstance(needed, list) and set(missing) <= set(needed):
                return str(name)
    return ""


def _subschema(schema: Any, path: Iterable[Any]) -> Any:
    """What ``path`` (a validator's schema path) points at in the schema; None if nothing."""
    node = schema
    for step in path:
        if isinstance(node, dict):
            node = node.get(str(step))
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return None
    return node


def _reason(error: Error, schema: Any) -> str:
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Contains):
        return _contains(error, schema)
    describe_kind = _REASONS.get(type(kind).__name__)
    if describe_kind is None:
        return error.message
    return describe_kind(error, kind)


def _type(error: Error, kind: Any) -> str:
    order = ("null", "boolean", "number", "integer", "string", "array", "object")
    wanted = [t for t in order if t in {str(t) for t in kind.types}]
    return f"got {_type_of(error.instance)}, want {' or '.join(wanted)}"


def _enum(_error: Error, kind: Any) -> str:
    options = list(kind.options)
    if any(isinstance(o, dict | list) for o in options):
        return "enum failed"
    if len(options) == 1:
        return f"value must be {display(options[0])}"
    return "value must be one of " + ", ".join(display(o) for o in options)


def _const(_error: Error, kind: Any) -> str:
    want = kind.expected_value
    return "const failed" if isinstance(want, dict | list) else f"value must be {display(want)}"


def _limit(name: str, measure: Callable[[Any], Any]) -> Callable[[Error, Any], str]:
    def reason(error: Error, kind: Any) -> str:
        limit = getattr(kind, "limit", None)
        if limit is None:
            limit = getattr(kind, "multiple_of", None)
        return f"{name}: got {go_value(measure(error.instance))}, want {go_value(limit)}"

    return reason


def _unique(error: Error, _kind: Any) -> str:
    seen: dict[bytes, int] = {}
    for i, item in enumerate(error.instance):
        try:
            key = orjson.dumps(_number_key(item), option=orjson.OPT_SORT_KEYS)
        except (TypeError, orjson.JSONEncodeError):
            continue
        if key in seen:
            return f"items at {seen[key]} and {i} are equal"
        seen[key] = i
    return "items are not unique"


def _number_key(item: Any) -> Any:
    return int(item) if isinstance(item, float) and item.is_integer() else item


def _pattern(error: Error, kind: Any) -> str:
    return f"{quote(str(error.instance))} does not match pattern {quote(kind.pattern)}"


def _format(error: Error, kind: Any) -> str:
    return f"{display(error.instance)} is not valid {kind.format}"


def _property_names(error: Error, _kind: Any) -> str:
    inner = getattr(error.kind, "error", None)
    name = getattr(inner, "instance", None)
    return f"invalid propertyName {quote(str(name))}" if name is not None else error.message


def _additional(error: Error, kind: Any) -> str:
    names = ", ".join(quote(str(n)) for n in kind.unexpected)
    return f"additional properties {names} not allowed"


def _additional_items(error: Error, kind: Any) -> str:
    return f"last {len(error.instance) - kind.limit} additionalItem(s) not allowed"


def _one_of_many(error: Error, kind: Any) -> str:
    matched = [i for i, branch in enumerate(kind.context) if not branch][:2]
    if len(matched) == 2:
        return f"oneOf failed, subschemas {matched[0]}, {matched[1]} matched"
    return "oneOf failed"


def _contains(error: Error, schema: Any) -> str:
    """``minContains``/``maxContains`` failures come as ``contains`` ones, naming the bound."""
    keyword = str(error.schema_path[-1]) if error.schema_path else "contains"
    bound = _subschema(schema, error.schema_path)
    if keyword == "minContains" and isinstance(bound, int):
        return f"min {bound} items required to match contains schema"
    if keyword == "maxContains" and isinstance(bound, int):
        return f"max {bound} items required to match contains schema"
    return "no items match contains schema"


def _fixed(text: str) -> Callable[[Error, Any], str]:
    return lambda _error, _kind: text


_REASONS: dict[str, Callable[[Error, Any], str]] = {
    "Type": _type,
    "Enum": _enum,
    "Constant": _const,
    "Format": _format,
    "MinLength": _limit("minLength", lambda s: len(s)),
    "MaxLength": _limit("maxLength", lambda s: len(s)),
    "Pattern": _pattern,
    "Minimum": _limit("minimum", float),
    "Maximum": _limit("maximum", float),
    "ExclusiveMinimum": _limit("exclusiveMinimum", float),
    "ExclusiveMaximum": _limit("exclusiveMaximum", float),
    "MultipleOf": _limit("multipleOf", float),
    "MinItems": _limit("minItems", lambda a: len(a)),
    "MaxItems": _limit("maxItems", lambda a: len(a)),
    "MinProperties": _limit("minProperties", lambda o: len(o)),
    "MaxProperties": _limit("maxProperties", lambda o: len(o)),
    "UniqueItems": _unique,
    "AdditionalProperties": _additional,
    "AdditionalItems": _additional_items,
    "PropertyNames": _property_names,
    "FalseSchema": _fixed("false schema"),
    "Not": _fixed("not failed"),
    "AnyOf": _fixed("anyOf failed"),
    "OneOfNotValid": _fixed("oneOf failed, none matched"),
    "OneOfMultipleValid": _one_of_many,
}


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), "value")


def _pointer(path: Iterable[Any]) -> str:
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
