"""Reading one martian definition: each modifier's fields, its scope, its nested modifiers.

Martian decodes each modifier with Go's ``encoding/json``: strict types (a string where an
integer is expected is an error, no weak typing), keys matched case-insensitively, ``null``
the same as absent. Unknown keys, which martian ignores, are errors here (a misspelt ``else``
or ``scope`` would otherwise silently change what runs); keys starting with ``@`` or ``$``
are comments. Every error names the field, as a path from the namespace.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from propylon_martian.message import BackendRequest, BackendResponse

REQUEST, RESPONSE = "request", "response"
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_BAD_VALUE = re.compile(r"[\r\n\x00]")


class DefinitionError(Exception):
    """What is wrong with a definition; ``at`` is the field's path."""

    def __init__(self, at: str, message: str) -> None:
        super().__init__(message)
        self.at = at
        self.message = message


class RequestModifier(Protocol):
    def modify_request(self, req: BackendRequest) -> None: ...


class ResponseModifier(Protocol):
    def modify_response(self, res: BackendResponse) -> None: ...


@dataclass(frozen=True, slots=True)
class Result:
    """A parsed modifier, split by scope: what runs on the request, what on the response."""

    request: RequestModifier | None = None
    response: ResponseModifier | None = None


def new_result(fields: Fields, modifier: object) -> Result:
    """The modifier kept in the scopes its ``scope`` names (both it has, when absent)."""
    has_request = hasattr(modifier, "modify_request")
    has_response = hasattr(modifier, "modify_response")
    scope = fields.scope()
    if scope is None:
        return Result(
            modifier if has_request else None,  # type: ignore[arg-type]
            modifier if has_response else None,  # type: ignore[arg-type]
        )
    request = response = None
    for i, name in enumerate(scope):
        if (name == REQUEST and not has_request) or (name == RESPONSE and not has_response):
            raise DefinitionError(fields.path(f"scope[{i}]"), f"this modifier has no {name} scope")
        if name == REQUEST:
            request = modifier
        else:
            response = modifier
    return Result(request, response)  # type: ignore[arg-type]


# Reads a nested definition (``modifier``, ``else``, a group's ``modifiers``) at a path.
Parse = Callable[[object, str], Result]


class Fields:
    """One modifier's object, read field by field as Go's ``encoding/json`` reads a struct."""

    def __init__(self, raw: object, at: str, known: Iterable[str], parse: Parse) -> None:
        self.at = at
        self._parse = parse
        names = {name.lower(): name for name in (*known, "scope")}
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise DefinitionError(at, f"expected an object, got {_kind(raw)}")
        self._values: dict[str, Any] = {}
        for key, value in raw.items():
            key = str(key)
            name = names.get(key.lower())
            if name is None:
                if key.startswith(("@", "$")):
                    continue
                expected = ", ".join(sorted(names.values()))
                raise DefinitionError(self.path(key), f"unknown field (expected {expected})")
            if value is not None:
                self._values[name] = value

    def path(self, name: str) -> str:
        return f"{self.at}.{name}"

    def has(self, name: str) -> bool:
        return name in self._values

    def _typed(self, name: str, kind: type | tuple[type, ...], what: str) -> Any:
        value = self._values.get(name)
        if value is None:
            return None
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise DefinitionError(self.path(name), f"expected {what}, got {_kind(value)}")
        return value

    def string(self, name: str, default: str = "", *, required: bool = False) -> str:
        value = self._typed(name, str, "a string")
        if value is None and required:
            raise DefinitionError(self.path(name), "is required")
        return default if value is None else value

    def header_name(self, name: str, *, required: bool = True) -> str:
        value = self.string(name, required=required)
        if (value or required) and not _TOKEN.match(value):
            raise DefinitionError(self.path(name), f"{value!r} is not a valid header name")
        return value

    def header_value(self, name: str) -> str:
        value = self.string(name)
        if _BAD_VALUE.search(value):
            raise DefinitionError(self.path(name), "a header value cannot hold CR, LF or NUL")
        return value

    def integer(self, name: str, low: int, high: int, default: int = 0) -> int:
        value = self._values.get(name)
        if value is None:
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise DefinitionError(self.path(name), f"expected an integer, got {_kind(value)}")
        if not low <= value <= high:
            raise DefinitionError(self.path(name), f"must be between {low} and {high}")
        return value

    def boolean(self, name: str) -> bool:
        value = self._typed(name, bool, "true or false")
        return bool(value)

    def strings(self, name: str) -> list[str]:
        value = self._typed(name, list, "a list of strings") or []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise DefinitionError(
                    self.path(f"{name}[{i}]"), f"expected a string, got {_kind(item)}"
                )
        return list(value)

    def mapping(self, name: str) -> dict[str, str]:
        value = self._typed(name, dict, "an object of strings") or {}
        for key, item in value.items():
            if not isinstance(item, str):
                raise DefinitionError(
                    self.path(f"{name}.{key}"), f"expected a string, got {_kind(item)}"
                )
        return dict(value)

    def base64(self, name: str) -> bytes:
        """Bytes written as standard, padded base64, as Go's ``[]byte`` JSON fields are."""
        value = self.string(name)
        try:
            return base64.b64decode(value.replace("\r", "").replace("\n", ""), validate=True)
        except (binascii.Error, ValueError):
            raise DefinitionError(self.path(name), "expected standard base64") from None

    def timestamp(self, name: str) -> datetime | None:
        """An RFC 3339 date and time with its offset, as Go's ``time.Time`` reads it."""
        value = self.string(name)
        if not value:
            return None
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            when = None
        if when is None or when.tzinfo is None or "T" not in value.upper():
            raise DefinitionError(self.path(name), f"expected an RFC 3339 time, got {value!r}")
        return when

    def scope(self) -> list[str] | None:
        value = self._values.get("scope")
        if value is None:
            return None
        if not isinstance(value, list):
            raise DefinitionError(self.path("scope"), f"expected a list, got {_kind(value)}")
        for i, item in enumerate(value):
            if item not in (REQUEST, RESPONSE):
                raise DefinitionError(
                    self.path(f"scope[{i}]"), f'must be "request" or "response", got {item!r}'
                )
        return value

    def modifier(self, name: str, *, required: bool = True) -> Result | None:
        value = self._values.get(name)
        if value is None:
            if required:
                raise DefinitionError(self.path(name), "is required")
            return None
        return self._parse(value, self.path(name))

    def items(self, name: str) -> list[tuple[object, str]]:
        """A list field's items, each with its path."""
        value = self._values.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise DefinitionError(self.path(name), f"expected a list, got {_kind(value)}")
        return [(item, self.path(f"{name}[{i}]")) for i, item in enumerate(value)]

    def parse(self, raw: object, at: str) -> Result:
        return self._parse(raw, at)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    names: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}
    return names.get(type(value), "null")


# Each modifier's name -> the keys it reads (besides ``scope``) and its parser.
Parser = Callable[[Fields], Result]
PARSERS: dict[str, tuple[tuple[str, ...], Parser]] = {}


def modifier(name: str, *keys: str) -> Callable[[Parser], Parser]:
    """Registers the parser of the modifier ``name``, which reads ``keys``."""

    def register(parser: Parser) -> Parser:
        PARSERS[name] = (keys, parser)
        return parser

    return register
