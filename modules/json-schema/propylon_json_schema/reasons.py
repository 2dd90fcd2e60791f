"""The reason of one failure, in santhosh-tekuri/jsonschema's words, from the validator's kind.

Some words need what the error does not carry (the property whose presence made others
required, a ``minContains`` bound): they are read from the schema at the error's schema path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import jsonschema_rs
import orjson

from propylon_json_schema.goformat import display, go_value, quote, type_of

Error = jsonschema_rs.ValidationError


def missing_reason(error: Error, missing: list[str], schema: Any) -> str:
    """A ``required`` or dependency failure, naming every property it misses."""
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


def reason(error: Error, schema: Any) -> str:
    """Why ``error`` failed, as santhosh-tekuri/jsonschema says it."""
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
    return f"got {type_of(error.instance)}, want {' or '.join(wanted)}"


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
    def limit_reason(error: Error, kind: Any) -> str:
        limit = getattr(kind, "limit", None)
        if limit is None:
            limit = getattr(kind, "multiple_of", None)
        return f"{name}: got {go_value(measure(error.instance))}, want {go_value(limit)}"

    return limit_reason


def _unique(error: Error, _kind: Any) -> str:
    seen: dict[bytes, int] = {}
    items: Any = error.instance
    for i, item in enumerate(items):
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
    items: Any = error.instance
    return f"last {len(items) - kind.limit} additionalItem(s) not allowed"


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
