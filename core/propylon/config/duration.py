"""Go-style durations (``300ms``, ``1m30s``, ``150us``), as KrakenD configurations write them."""

from __future__ import annotations

import math
import re

from propylon.config.errors import preview

_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(value: object) -> float:
    """Seconds in a Go duration string; raises ValueError with the reason."""
    if not isinstance(value, str):
        raise ValueError(f"expected a duration string such as '3s', got {preview(value)}")
    text = value.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    if text == "0":
        return 0.0
    pos, total = 0, 0.0
    while pos < len(text):
        match = _PART.match(text, pos)
        if match is None:
            raise ValueError(
                f"invalid duration {preview(value)}: use a number and a unit (ns, us, ms, s, m, h)"
            )
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos == 0:
        raise ValueError(f"invalid duration {preview(value)}")
    if not math.isfinite(total):
        raise ValueError(f"invalid duration {preview(value)}: too long")
    return sign * total


def format_duration(seconds: float) -> str:
    """``168h``, ``90s``: the largest whole unit, as a configuration would write it."""
    for unit, size in (("h", 3600.0), ("m", 60.0), ("s", 1.0)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    for unit, size in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= size:
            return f"{round(seconds / size, 6):g}{unit}"
    return f"{round(seconds * 1e9, 3):g}ns" if seconds else "0s"
