"""Typed reads of one configuration object, each failure naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from propylon.config.duration import format_duration, parse_duration
from propylon.config.errors import ConfigError, preview

T = TypeVar("T")
_MISSING = object()


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


class Fields:
    """Reads the keys of one JSON object; remembers which were read so the rest can be reported."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, dict):
            raise ConfigError(f"expected an object, got {_kind(raw)}", where=where)
        self.raw: dict[str, Any] = raw
        self.where = where
        self.seen: set[str] = set()

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(message, where=f"{self.where}.{key}" if self.where else key)

    def _get(self, key: str, default: object) -> object:
        self.seen.add(key)
        value = self.raw.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                raise self.error(key, "is required")
            return default
        return value

    def _typed(self, key: str, default: object, kinds: tuple[type, ...], what: str) -> Any:
        value = self._get(key, default)
        if value is default:
            return value
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise self.error(key, f"expected {what}, got {_kind(value)} {preview(value)}")
        return value

    def string(self, key: str, default: Any = _MISSING) -> str:
        return self._typed(key, default, (str,), "a string")

    def boolean(self, key: str, default: bool = False) -> bool:
        return self._typed(key, default, (bool,), "true or false")

    def integer(
        self,
        key: str,
        default: Any = _MISSING,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        """An integer from ``minimum`` to ``maximum``, both included (either may be open)."""
        value = self._typed(key, default, (int,), "an integer")
        if value is default:
            return value
        low = minimum is not None and value < minimum
        high = maximum is not None and value > maximum
        if low or high:
            if minimum is not None and maximum is not None:
                wanted = f"from {minimum} to {maximum}"
            else:
                wanted = f"at least {minimum}" if low else f"at most {maximum}"
            raise self.error(key, f"must be {wanted}, got {preview(value)}")
        return value

    def obj(self, key: str) -> dict[str, Any]:
        return self._typed(key, {}, (dict,), "an object")

    def strings(self, key: str, default: Any = _MISSING) -> list[str]:
        value = self._typed(key, default, (list,), "a list of strings")
        if value is not default:
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    raise self.error(f"{key}[{i}]", f"expected a string, got {_kind(item)}")
        return value

    def string_map(self, key: str) -> dict[str, str]:
        value = self.obj(key)
        for k, v in value.items():
            if not isinstance(v, str):
                raise self.error(f"{key}.{k}", f"expected a string, got {_kind(v)}")
        return value

    def duration(self, key: str, default: float, maximum: float | None = None) -> float:
        """Seconds in a Go duration string, from zero to ``maximum`` (when given)."""
        value = self._get(key, default)
        if value is default:
            return default
        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            raise self.error(key, str(exc)) from None
        if seconds < 0:
            raise self.error(key, f"must not be negative, got {preview(value)}")
        if maximum is not None and seconds > maximum:
            raise self.error(
                key, f"must be at most {format_duration(maximum)}, got {preview(value)}"
            )
        return seconds

    def items(self, key: str, parse: Callable[[object, str], T], required: bool = False) -> list[T]:
        value = self._typed(key, _MISSING if required else [], (list,), "a list")
        prefix = f"{self.where}.{key}" if self.where else key
        return [parse(item, f"{prefix}[{i}]") for i, item in enumerate(value)]

    def unknown(self) -> list[str]:
        return [k for k in self.raw if k not in self.seen and not k.startswith(("$", "@"))]
