"""The fast reading of a client's ``traceparent`` agrees with OpenTelemetry's propagator, and
leaves to it whatever is not the common form."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from propylon_opentelemetry.spans import parse_traceparent

TRACE, SPAN = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


@pytest.mark.parametrize(
    "value",
    [
        f"00-{TRACE}-{SPAN}-01",
        f"00-{TRACE}-{SPAN}-00",
        f"00-{TRACE}-{SPAN}-03",
    ],
)
def test_the_common_form_reads_as_the_propagator_reads_it(value: str) -> None:
    found = parse_traceparent(value)
    context = trace.get_current_span(
        TraceContextTextMapPropagator().extract({"traceparent": value})
    ).get_span_context()
    assert found is not None and context.is_valid
    client_trace, client_span = found
    assert (client_trace.trace_id, client_span) == (context.trace_id, context.span_id)
    assert client_trace.sampled == context.trace_flags.sampled
    assert client_trace.remote(client_span)  # the client's span: another process's


@pytest.mark.parametrize(
    "value",
    [
        f"00-{'0' * 32}-{SPAN}-01",  # zero trace id
        f"00-{TRACE}-{'0' * 16}-01",  # zero span id
        f"01-{TRACE}-{SPAN}-01",  # another version: the propagator decides
        f"00-{TRACE}-{SPAN}-01-extra",
        f" 00-{TRACE}-{SPAN}-01",
        f"00-{TRACE.upper()}-{SPAN}-01",
        f"00-{TRACE[:-1]}x-{SPAN}-01",
        "",
    ],
)
def test_anything_else_is_left_to_the_propagator(value: str) -> None:
    assert parse_traceparent(value) is None
