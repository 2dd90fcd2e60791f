"""The Prometheus exporter: ``/metrics`` in the text format, the gateway's totals.

Names follow OpenTelemetry's Prometheus conventions as krakend-otel exposes them
(``krakend.proxy.duration`` -> ``krakend_proxy_duration_bucket``..., counters with
``_total``, attributes as labels with ``_`` for ``.``), with ``target_info`` for the resource.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.process_collector import ProcessCollector

_INVALID = re.compile(r"[^a-zA-Z0-9_:]")
# Process figures of several workers: added up, but for these.
_LOWEST = {"process_start_time_seconds"}
_HIGHEST = {"process_max_fds"}


def sanitize(name: str) -> str:
    return _INVALID.sub("_", name)


def _labels(attrs: Iterable[tuple[str, Any]]) -> dict[str, str]:
    out = {}
    for key, value in attrs:
        out[sanitize(key)] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


class Exposition:
    """Collects merged figures for prometheus_client's text encoder."""

    def __init__(
        self, merged: Mapping[str, Any], resource: Mapping[str, str], process: Mapping[str, float]
    ) -> None:
        self.merged = merged
        self.resource = resource
        self.process = process

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily(
            "target_info", "Target metadata", labels=[sanitize(k) for k in self.resource]
        )
        info.add_metric(list(self.resource.values()), 1)
        yield info
        for name, instrument in sorted(self.merged.items()):
            metric_name = sanitize(name)
            if instrument["kind"] == "counter":
                family: Metric = CounterMetricFamily(metric_name, name)
                for attrs, (_buckets, _count, total) in instrument["series"].items():
                    family.add_sample(metric_name + "_total", _labels(attrs), total)
                yield family
                continue
            family = HistogramMetricFamily(metric_name, name)
            bounds = instrument["bounds"]
            for attrs, (buckets, count, total) in instrument["series"].items():
                labels = _labels(attrs)
                cumulative = 0
                for bound, bucket in zip([*bounds, float("inf")], buckets, strict=True):
                    cumulative += bucket
                    le = "+Inf" if bound == float("inf") else repr(float(bound))
                    family.add_sample(metric_name + "_bucket", {**labels, "le": le}, cumulative)
                family.add_sample(metric_name + "_count", labels, count)
                family.add_sample(metric_name + "_sum", labels, total)
            yield family
        for name, value in sorted(self.process.items()):
            yield GaugeMetricFamily(name, name, value=value)


def process_figures() -> dict[str, float]:
    """This process's figures (CPU, memory, file descriptors, start time)."""
    found = {}
    for family in ProcessCollector(registry=None).collect():
        for sample in family.samples:
            found[sample.name] = sample.value
    return found


def merge_process(figures: list[Mapping[str, float]]) -> dict[str, float]:
    merged: dict[str, float] = {}
    for one in figures:
        for name, value in one.items():
            if name not in merged:
                merged[name] = value
            elif name in _LOWEST:
                merged[name] = min(merged[name], value)
            elif name in _HIGHEST:
                merged[name] = max(merged[name], value)
            else:
                merged[name] += value
    return merged


def render(
    merged: Mapping[str, Any], resource: Mapping[str, str], process: Mapping[str, float]
) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Exposition(merged, resource, process))
    return generate_latest(registry)
