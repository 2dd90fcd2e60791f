"""A worker's OpenTelemetry metrics: histograms and counters by attribute set.

Instruments and their fixed attributes are made when a factory builds an endpoint or
backend; a request adds to a series found by a small key (status, outcome). The figures dump
to plain data so that several workers' merge, then render for Prometheus or OTLP.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

Attrs = tuple[tuple[str, Any], ...]

# krakend-otel's bucket boundaries: seconds, and bytes.
TIME_BUCKETS = (0.010, 0.020, 0.050, 0.075, 0.100, 0.125, 0.150, 0.175, 0.200, 0.250, 0.300,
                0.350, 0.500, 0.750, 1.000, 1.500, 2.000, 3.500, 5.000, 10.000)  # fmt: skip
SIZE_BUCKETS = tuple(float(b) for b in (128, 256, 512, 1024, 4 << 10, 8 << 10, 16 << 10,
    32 << 10, 64 << 10, 256 << 10, 512 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20))  # fmt: skip


class Series:
    __slots__ = ("bounds", "buckets", "count", "sum")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = bounds
        self.buckets = [0] * (len(bounds) + 1)
        self.count = 0
        self.sum = 0.0

    def record(self, value: float) -> None:
        self.buckets[bisect_left(self.bounds, value)] += 1
        self.count += 1
        self.sum += value

    def add(self, value: float = 1) -> None:
        self.count += 1
        self.sum += value


class Instrument:
    """A histogram (``bounds``) or a counter (no bounds): series by attribute set."""

    def __init__(self, name: str, kind: str, bounds: Sequence[float] = ()) -> None:
        self.name = name
        self.kind = kind
        self.bounds = bounds
        self.series: dict[Attrs, Series] = {}

    def series_for(self, attrs: Attrs) -> Series:
        found = self.series.get(attrs)
        if found is None:
            found = self.series[attrs] = Series(self.bounds)
        return found


class Meter:
    def __init__(self) -> None:
        self.instruments: dict[str, Instrument] = {}

    def histogram(self, name: str, bounds: Sequence[float] = TIME_BUCKETS) -> Instrument:
        return self._get(name, "histogram", bounds)

    def counter(self, name: str) -> Instrument:
        return self._get(name, "counter", ())

    def _get(self, name: str, kind: str, bounds: Sequence[float]) -> Instrument:
        found = self.instruments.get(name)
        if found is None:
            found = self.instruments[name] = Instrument(name, kind, bounds)
        return found

    def dump(self) -> dict[str, Any]:
        return {
            name: {
                "kind": i.kind,
                "bounds": list(i.bounds),
                "series": [
                    [list(map(list, a)), s.buckets, s.count, s.sum] for a, s in i.series.items()
                ],
            }
            for name, i in self.instruments.items()
        }


def merge(dumps: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Several workers' dumps as one: every series added up, bucket by bucket."""
    merged: dict[str, dict[str, Any]] = {}
    for dump in dumps:
        for name, instrument in dump.items():
            into = merged.setdefault(
                name, {"kind": instrument["kind"], "bounds": instrument["bounds"], "series": {}}
            )
            for attrs, buckets, count, total in instrument["series"]:
                key = tuple(tuple(pair) for pair in attrs)
                found = into["series"].get(key)
                if found is None:
                    into["series"][key] = [list(buckets), count, total]
                else:
                    found[0] = [a + b for a, b in zip(found[0], buckets, strict=True)]
                    found[1] += count
                    found[2] += total
    return merged
