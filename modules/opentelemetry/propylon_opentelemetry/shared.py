"""The figures of every worker of the gateway, as one (``propylon.sdk.WorkerFigures``): a
Prometheus scrape, or an OTLP export, carries the whole gateway's, whichever worker serves it."""

from __future__ import annotations

from propylon.sdk import WorkerFigures

FIGURES = WorkerFigures("otel")
