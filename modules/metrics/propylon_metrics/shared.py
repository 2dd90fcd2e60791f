"""The figures of every worker of the gateway, as one (``propylon.sdk.WorkerFigures``):
``/__stats`` answers for the whole gateway, whichever worker serves it."""

from __future__ import annotations

from propylon.sdk import WorkerFigures

FIGURES = WorkerFigures("metrics")
