"""Spans recorded light on the request path, exported in batches off it.

A request pays for a few integers and one tuple per span: ids, times, the attributes that
vary (a status, a size). What does not vary (kind, the stage's attributes) is a ``Template``
made per endpoint or backend when the gateway is built. The sampler decides once per trace;
a trace not sampled records nothing. A thread wakes every ``OTEL_BSP_SCHEDULE_DELAY`` ms (or
when a batch is full) and hands the batch to each sink: ``otlp_http`` encodes it to OTLP
itself, ``sdk_export`` hands it to one of the SDK's exporters (gRPC).
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from opentelemetry.trace import get_current_span
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from propylon_opentelemetry.instruments import Attrs

log = logging.getLogger("propylon.opentelemetry")
QUIET_SECONDS = 60.0
# OTLP's span kinds.
INTERNAL, SERVER, CLIENT = 1, 2, 3


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


@dataclass(frozen=True, slots=True, eq=False)  # one per endpoint or backend: by identity
class Template:
    """What every span of one stage of one endpoint (or backend) shares."""

    name: str
    kind: int  # INTERNAL, SERVER or CLIENT
    attributes: Mapping[str, Any]


class Trace:
    """What every span of one request's trace shares; made once per request. A plain class
    with positional fields: a request makes one on its hot path."""

    __slots__ = ("client", "sampled", "state", "trace_id")

    def __init__(self, trace_id: int, sampled: bool, state: str = "", client: int = 0) -> None:
        self.trace_id = trace_id
        self.sampled = sampled
        self.state = state  # the client's tracestate, passed on as is
        self.client = client  # the client's span id; 0: the trace starts here

    def remote(self, parent_id: int) -> bool:
        """Whether a span's parent is the client's (a span of another process)."""
        return parent_id != 0 and parent_id == self.client

    def traceparent(self, span_id: int) -> str:
        return f"00-{self.trace_id:032x}-{span_id:016x}-{'01' if self.sampled else '00'}"


# Where a request is in its trace: its trace, and the span the next span is a child of (0:
# none yet). Each instrumented stage sets it for the stages it calls; a tuple, not an object,
# because a request makes several.
Here = tuple[Trace, int]
CURRENT: ContextVar[Here | None] = ContextVar("propylon_otel_position", default=None)

# A finished span: template, name, trace id, span id, parent id, parent remote, start, end
# (ns), the attributes that vary (a tuple a layer keeps per status: the encoder caches by
# it), the error status description (None: no error), tracestate.
Record = tuple[Template, str, int, int, int, bool, int, int, Attrs, "str | None", str]


HEX = frozenset("0123456789abcdef")


def parse_traceparent(value: str) -> Here | None:
    """The client's trace and span from the common ``00-<trace>-<span>-<flags>``, by slices;
    None (the propagator decides) for anything else: other versions, extra fields, spaces,
    invalid ids."""
    if (len(value) != 55 or value[:3] != "00-" or value[35] != "-" or value[52] != "-"
            or not HEX.issuperset(value[3:35]) or not HEX.issuperset(value[36:52])
            or not HEX.issuperset(value[53:])):  # fmt: skip
        return None
    trace_id = int(value[3:35], 16)
    span_id = int(value[36:52], 16)
    if not trace_id or not span_id:
        return None
    return Trace(trace_id, bool(int(value[53:], 16) & 1), "", span_id), span_id


class SpanSink(Protocol):
    """Where batches of spans go: one per exporter."""

    def export(self, records: Sequence[Record]) -> None: ...

    def shutdown(self) -> None: ...


class Recorder:
    """One worker's spans: the sampler, the queue, and the thread that exports."""

    def __init__(
        self,
        sinks: Sequence[SpanSink],  # none: trace contexts read and passed on only
        sample_rate: float,
    ) -> None:
        self.sinks = list(sinks)
        # As the SDK's TraceIdRatioBased: a trace is sampled when its low 64 bits are below.
        self.bound = round(sample_rate * (1 << 64))
        self.propagator = TraceContextTextMapPropagator()
        self.max_queue = _env_int("OTEL_BSP_MAX_QUEUE_SIZE", 8192)
        self.batch = min(_env_int("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 2048), self.max_queue)
        self.delay = _env_int("OTEL_BSP_SCHEDULE_DELAY", 5000) / 1000
        self.queue: deque[Record] = deque()
        self.dropped = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._next_warning = 0.0

    # Request path

    def root(self, traceparent: str | None, tracestate: str | None) -> Here:
        """Where a request starts: at the client's span (its id, not 0), or a new trace."""
        if traceparent and not tracestate:
            found = parse_traceparent(traceparent)
            if found is not None:
                return found
        if traceparent:
            carrier = {"traceparent": traceparent}
            if tracestate:
                carrier["tracestate"] = tracestate
            parent = get_current_span(self.propagator.extract(carrier)).get_span_context()
            if parent.is_valid:
                state = ",".join(f"{k}={v}" for k, v in parent.trace_state.items())
                joined = Trace(parent.trace_id, parent.trace_flags.sampled, state, parent.span_id)
                return joined, parent.span_id
        return self.fresh(), 0

    def fresh(self) -> Trace:
        """A new trace, sampled as the SDK's ``TraceIdRatioBased`` samples it."""
        trace_id = random.getrandbits(128) or 1
        return Trace(trace_id, trace_id & 0xFFFFFFFFFFFFFFFF < self.bound)

    def record(self, record: Record) -> None:
        queue = self.queue
        if len(queue) >= self.max_queue:
            self.dropped += 1
            return
        queue.append(record)
        if len(queue) == self.batch:
            self._wake.set()

    # Export thread

    def start(self) -> None:
        if self._thread is None and self.sinks:
            self._thread = threading.Thread(target=self._run, name="OtelSpanExport", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stopping:
            full = self._wake.wait(self.delay)
            self._wake.clear()
            self.flush(everything=not full)

    def flush(self, everything: bool = True) -> None:
        """Exports what is queued, in batches; woken by a full batch, only full batches (the
        rest waits for the next: fewer, larger requests)."""
        queue = self.queue
        while len(queue) >= self.batch or (everything and queue):
            taken = [queue.popleft() for _ in range(min(self.batch, len(queue)))]
            for sink in self.sinks:
                try:
                    sink.export(taken)
                except Exception as exc:  # a sink's failure must not end the thread
                    log.warning("[SERVICE: OpenTelemetry] span export failed: %s", exc)
        self._warn_dropped()

    def _warn_dropped(self) -> None:
        if not self.dropped or time.monotonic() < self._next_warning:
            return
        self._next_warning = time.monotonic() + QUIET_SECONDS
        log.warning(
            "[SERVICE: OpenTelemetry] %d spans dropped: the export queue (%d) was full",
            self.dropped,
            self.max_queue,
        )
        self.dropped = 0

    def shutdown(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(30)
            self._thread = None
        self.flush()
        for sink in self.sinks:
            sink.shutdown()
