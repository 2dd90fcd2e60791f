"""Reads of one configuration object, as KrakenD reads it: every problem collected.

Values are converted with KrakenD's weak typing (``"1"`` or ``true`` for an integer, ...),
each conversion a warning; what cannot be read is an error naming the field, and the read
returns the default so that the rest of the document is still checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from propylon.config.errors import preview
from propylon.config.problems import Problems
from propylon.config.schema import Duration, Range, read_value

T = TypeVar("T")
_MISSING: Any = object()


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


class Fields:
    """Reads the keys of one JSON object; remembers which were read so the rest can be reported.

    ``ok`` is false when the object itself is not one (its fields then read as defaults).
    """

    def __init__(self, raw: object, where: str, problems: Problems) -> None:
        self.problems = problems
        self.where = where
        self.seen: set[str] = set()
        self.ok = isinstance(raw, dict)
        if not self.ok:
            problems.error(where, f"expected an object, got {_kind(raw)} {preview(raw)}")
        self.raw: dict[str, Any] = raw if isinstance(raw, dict) else {}

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> None:
        self.problems.error(self.at(key), message)

    def warn(self, key: str, message: str) -> None:
        self.problems.warn(self.at(key), message)

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def _read(self, key: str, tp: Any, default: Any) -> Any:
        self.seen.add(key)
        raw = self.raw.get(key)
        if raw is None:
            if default is _MISSING:
                if self.ok:
                    self.error(key, "is required")
                return None
            return default
        ok, value = read_value(tp, raw, self.at(key), self.problems)
        return value if ok else (None if default is _MISSING else default)

    def string(self, key: str, default: Any = _MISSING) -> Any:
        return self._read(key, str, default)

    def boolean(self, key: str, default: bool = False) -> bool:
        return self._read(key, bool, default)

    def integer(
        self,
        key: str,
        default: Any = _MISSING,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Any:
        """An integer from ``minimum`` to ``maximum``, both included (either may be open)."""
        return self._read(key, _ranged(int, minimum, maximum), default)

    def duration(self, key: str, default: float, maximum: float | None = None) -> float:
        """Seconds, from a Go duration (``"1m30s"``) or nanoseconds, from 0 to ``maximum``."""
        return self._read(key, _ranged(Duration, 0, maximum), default)

    def obj(self, key: str) -> dict[str, Any]:
        return self._read(key, dict[str, Any], {})

    def strings(self, key: str, default: Any = _MISSING) -> Any:
        return self._read(key, list[str], default)

    def string_map(self, key: str) -> dict[str, str]:
        return self._read(key, dict[str, str], {})

    def items(
        self, key: str, parse: Callable[[object, str], T | None], required: bool = False
    ) -> list[T]:
        value = self._read(key, list[Any], _MISSING if required else [])
        prefix = self.at(key)
        parsed = [parse(item, f"{prefix}[{i}]") for i, item in enumerate(value or [])]
        return [item for item in parsed if item is not None]

    def unknown(self) -> list[str]:
        return [k for k in self.raw if k not in self.seen and not str(k).startswith(("$", "@"))]


def _ranged(tp: Any, minimum: float | None, maximum: float | None) -> Any:
    if minimum is None and maximum is None:
        return tp
    return Annotated[tp, Range(minimum, maximum)]
