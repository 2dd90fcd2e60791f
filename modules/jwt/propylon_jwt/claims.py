"""What a validated token's claims allow and carry: roles, scopes, and the values sent on.

Claims are written to headers and url params as KrakenD writes them: a string as is, a
whole number without decimals, another number with six, a list joined with commas, anything
else as JSON. A dotted name is a path into nested claims, unless it starts with ``http``
(claim names that are URLs hold dots).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

Claims = dict[str, Any]


def nested(name: str, claims: Claims) -> tuple[str, Claims]:
    """The last part of a dotted ``name`` and the object that should hold it ({} if none)."""
    *path, last = name.split(".")
    current: Any = claims
    for part in path:
        current = current.get(part) if isinstance(current, dict) else None
        if not isinstance(current, dict):
            return last, {}
    return last, current


def _is_path(name: str) -> bool:
    return "." in name and not name.startswith("http")


def _words(value: Any) -> list[str] | None:
    """A claim holding words: a list of strings, or one space-separated string."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    if isinstance(value, str):
        return value.split(" ")
    return None


def has_role(claims: Claims, key: str, is_nested: bool, required: Sequence[str]) -> bool:
    """At least one of ``required`` is in the roles claim (always true without ``required``)."""
    if not required:
        return True
    if is_nested and _is_path(key):
        key, claims = nested(key, claims)
    roles = _words(claims.get(key))
    return roles is not None and any(r in roles for r in required)


def has_scopes(claims: Claims, key: str, required: Sequence[str], match_all: bool) -> bool:
    """``required`` scopes are in the scopes claim: any of them, or all with ``match_all``."""
    if not required:
        return True
    if "." in key:
        key, claims = nested(key, claims)
    value = claims.get(key)
    if isinstance(value, list) and not value:
        return False
    scopes = _words(value)
    if scopes is None:
        return False
    check = all if match_all else any
    return check(s in scopes for s in required)


def lookup(name: str, claims: Claims) -> tuple[bool, Any]:
    """The claim a propagated name means: a path into nested claims when dotted."""
    if _is_path(name):
        name, claims = nested(name, claims)
    return name in claims, claims.get(name)


def url_claim(name: str, claims: Claims) -> tuple[bool, Any]:
    """The claim of a ``{JWT.name}`` url param: the top-level claim of that very name
    (``http://example.com/custom``), else the nested one a dotted name leads to."""
    if name in claims:
        return True, claims[name]
    return lookup(name, claims) if "." in name else (False, None)


def as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, dict):
        return _json(value)
    if isinstance(value, int | float):
        if math.isfinite(value) and abs(value - round(value)) <= 1e-6:
            return str(round(value))
        return f"{value:f}"
    if isinstance(value, list):
        return ",".join(_go_value(v) for v in value)
    return _json(value)


def as_values(value: Any, present: bool) -> list[str]:
    """A claim as several header values (``propagate_claims_preserve_array``)."""
    if not present:
        return [""]
    if isinstance(value, list):
        return [_go_value(v) for v in value]
    return [as_text(value)]


def _go_value(value: Any) -> str:
    """An element of a list claim, as Go's ``%v`` prints it."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, int | float):
        if isinstance(value, int) or (value.is_integer() and abs(value) < 1e21):
            return str(int(value))
        return repr(value)
    if isinstance(value, list):
        return "[" + " ".join(_go_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_value(value[k])}" for k in sorted(value)) + "]"
    return str(value)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
