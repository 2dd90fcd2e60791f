"""Spans handed to one of the OpenTelemetry SDK's span exporters (OTLP over gRPC).

Each recorded span becomes the SDK's ``ReadableSpan``, which its exporter encodes and sends.
OTLP/HTTP does not come here: ``otlp_http`` encodes the recorded spans itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags, TraceState

from propylon_opentelemetry.spans import Record

log = logging.getLogger("propylon.opentelemetry")
SAMPLED = TraceFlags(TraceFlags.SAMPLED)
UNSET = Status(StatusCode.UNSET)


class _Resource(Resource):
    """The SDK's resource, hashed once: the encoder hashes it for every span it groups."""

    _hash: int | None = None

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = super().__hash__()
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or super().__eq__(other)


class SDKSpanSink:
    def __init__(self, exporter: SpanExporter, resource: Mapping[str, Any], scope: str) -> None:
        self.exporter = exporter
        self.resource = _Resource(dict(resource))
        self.scope = InstrumentationScope(scope)

    def export(self, records: Sequence[Record]) -> None:
        try:
            self.exporter.export([self.readable(r) for r in records])
        except Exception as exc:  # an exporter's failure must not end the thread
            log.debug("span export failed: %s", exc)

    def readable(self, record: Record) -> ReadableSpan:
        (template, name, trace_id, span_id, parent_id, remote, start, end, varying, error,
         state) = record  # fmt: skip
        trace_state = TraceState.from_header([state]) if state else None
        parent = (
            SpanContext(trace_id, parent_id, remote, SAMPLED, trace_state) if parent_id else None
        )
        return ReadableSpan(
            name=name,
            context=SpanContext(trace_id, span_id, False, SAMPLED, trace_state),
            parent=parent,
            resource=self.resource,
            attributes={**template.attributes, **dict(varying)},
            kind=SpanKind(template.kind - 1),  # OTLP counts from 1 (internal), the SDK from 0
            status=UNSET if error is None else Status(StatusCode.ERROR, error or None),
            start_time=start,
            end_time=end,
            instrumentation_scope=self.scope,
        )

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self.exporter.shutdown()
