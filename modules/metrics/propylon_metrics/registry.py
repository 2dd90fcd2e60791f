"""A worker's counters and histograms, named as go-metrics names them in KrakenD.

Instruments are made when a factory builds an endpoint or backend; a request only adds to
them (an integer, a float, a slot of the sample). Histograms keep a uniform sample of 1028
values, count, min, max, sum and sum of squares, so the figures of several workers merge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from random import random as _random
from typing import Any

SAMPLE_SIZE = 1028  # go-metrics' uniform sample, as krakend-metrics uses
PERCENTILES = (0.5, 0.75, 0.95, 0.99, 0.999)
PREFIX = "krakend."


class Counter:
    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


class Histogram:
    __slots__ = ("count", "max", "min", "sample", "seen", "sum", "sumsq")

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.count = 0
        self.seen = 0
        self.sum = 0.0
        self.sumsq = 0.0
        self.min = 0
        self.max = 0
        self.sample: list[int] = []

    def update(self, value: int) -> None:
        count = self.count = self.count + 1
        if value < self.min or count == 1:
            self.min = value
        if value > self.max:
            self.max = value
        self.sum += value
        self.sumsq += value * value
        if count <= SAMPLE_SIZE:
            self.sample.append(value)
        else:  # go-metrics' reservoir: the new value replaces a random one, or none
            slot = int(_random() * count)  # in [0, count): cheaper than randrange
            if slot < SAMPLE_SIZE:
                self.sample[slot] = value

    def dump(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "min": self.min,
            "max": self.max,
            "sum": self.sum,
            "sumsq": self.sumsq,
            "sample": self.sample,
        }


@dataclass
class Registry:
    counters: dict[str, Counter] = field(default_factory=dict)
    gauges: dict[str, int] = field(default_factory=dict)
    histograms: dict[str, Histogram] = field(default_factory=dict)

    def counter(self, name: str) -> Counter:
        found = self.counters.get(PREFIX + name)
        if found is None:
            found = self.counters[PREFIX + name] = Counter()
        return found

    def histogram(self, name: str) -> Histogram:
        found = self.histograms.get(PREFIX + name)
        if found is None:
            found = self.histograms[PREFIX + name] = Histogram()
        return found

    def dump(self) -> dict[str, Any]:
        return {
            "counters": {k: c.count for k, c in self.counters.items()},
            "gauges": dict(self.gauges),
            "histograms": {k: h.dump() for k, h in self.histograms.items()},
        }


def merge(dumps: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of several workers as one: counters and gauges added, histograms joined."""
    counters: dict[str, int] = {}
    gauges: dict[str, int] = {}
    histograms: dict[str, dict[str, Any]] = {}
    for dump in dumps:
        for name, value in dump["counters"].items():
            counters[name] = counters.get(name, 0) + value
        for name, value in dump["gauges"].items():
            gauges[name] = gauges.get(name, 0) + value
        for name, h in dump["histograms"].items():
            into = histograms.get(name)
            if into is None:
                histograms[name] = {**h, "sample": list(h["sample"])}
                continue
            if h["count"]:
                into["min"] = h["min"] if not into["count"] else min(into["min"], h["min"])
                into["max"] = max(into["max"], h["max"])
            into["count"] += h["count"]
            into["sum"] += h["sum"]
            into["sumsq"] += h["sumsq"]
            into["sample"].extend(h["sample"])
    return {"counters": counters, "gauges": gauges, "histograms": histograms}


def percentile(ordered: list[int], p: float) -> float:
    """go-metrics' SamplePercentiles: linear between the two nearest ranks."""
    if not ordered:
        return 0.0
    pos = p * (len(ordered) + 1)
    if pos < 1:
        return float(ordered[0])
    if pos >= len(ordered):
        return float(ordered[-1])
    lower = ordered[int(pos) - 1]
    upper = ordered[int(pos)]
    return lower + (pos - math.floor(pos)) * (upper - lower)


def expvar(merged: dict[str, Any]) -> dict[str, Any]:
    """The flat names and values go-metrics' exp handler publishes: a histogram as
    ``.count``, ``.min``, ``.max``, ``.mean``, ``.std-dev`` and five percentiles."""
    out: dict[str, Any] = {}
    out.update(merged["counters"])
    out.update(merged["gauges"])
    for name, h in merged["histograms"].items():
        count = h["count"]
        mean = h["sum"] / count if count else 0.0
        variance = max(h["sumsq"] / count - mean * mean, 0.0) if count else 0.0
        ordered = sorted(h["sample"])
        out[name + ".count"] = count
        out[name + ".min"] = float(h["min"])
        out[name + ".max"] = float(h["max"])
        out[name + ".mean"] = mean
        out[name + ".std-dev"] = math.sqrt(variance)
        for p, label in zip(PERCENTILES, ("50", "75", "95", "99", "999"), strict=True):
            out[f"{name}.{label}-percentile"] = percentile(ordered, p)
    return out
