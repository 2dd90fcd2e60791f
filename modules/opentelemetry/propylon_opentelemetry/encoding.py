"""Recorded spans encoded straight to an OTLP ``ExportTraceServiceRequest``.

The SDK's encoder costs tens of microseconds a span (a ``ReadableSpan`` each, every attribute
converted every time). Here what a span shares with its template (kind, fixed attributes)
and what every span of a worker shares (resource, scope) is serialized once, with
opentelemetry-proto's generated classes; a span adds a small ``Span`` message (ids, times,
status) and its varying attributes, cached by value when they repeat (statuses, flags).
Protobuf merges concatenated serializations of one message, which is what lets the parts
be joined as bytes; each span and the enclosing messages are framed by field tag and length.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import (
    ResourceSpans,
    ScopeSpans,
    Span,
    SpanFlags,
    Status,
)

from propylon_opentelemetry.spans import Record, Template

# Whether the parent is remote is known for every span (OTLP's span flags).
LOCAL_PARENT = SpanFlags.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK
REMOTE_PARENT = LOCAL_PARENT | SpanFlags.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK
ERROR = Status.STATUS_CODE_ERROR
CACHED_VALUES = 4096  # varying attributes kept serialized; beyond, the cache starts again


def _tag(message: Any, field: str) -> bytes:
    """The key of a length-delimited field (wire type 2)."""
    return _varint(message.DESCRIPTOR.fields_by_name[field].number << 3 | 2)


def _varint(value: int) -> bytes:
    if value < 0x4000:  # a span's length, mostly: two bytes at most
        return bytes((value,)) if value < 0x80 else bytes((value & 0x7F | 0x80, value >> 7))
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


SPAN_TAG = _tag(ScopeSpans, "spans")
SCOPE_SPANS_TAG = _tag(ResourceSpans, "scope_spans")
RESOURCE_SPANS_TAG = _tag(ExportTraceServiceRequest, "resource_spans")


def _kind(template: Template) -> Span.SpanKind.ValueType:
    return cast("Span.SpanKind.ValueType", template.kind)


def any_value(value: Any) -> AnyValue:
    """An attribute's value as the SDK encodes it (bool before int: a bool is an int)."""
    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    return AnyValue(string_value=str(value))


def key_values(attributes: Iterable[tuple[str, Any]]) -> list[KeyValue]:
    return [KeyValue(key=key, value=any_value(value)) for key, value in attributes]


class SpanEncoder:
    """One worker's spans as OTLP request bodies, under one resource and scope."""

    def __init__(self, resource: Mapping[str, Any], scope: str) -> None:
        self._resource = ResourceSpans(
            resource=Resource(attributes=key_values(resource.items()))
        ).SerializeToString()
        self._scope = ScopeSpans(scope=InstrumentationScope(name=scope)).SerializeToString()
        self._fixed: dict[Template, tuple[bytes, frozenset[str]]] = {}
        self._values: dict[tuple[str, type, Any], bytes] = {}
        self._span = Span()

    def encode(self, records: Sequence[Record]) -> bytes:
        """The serialized ``ExportTraceServiceRequest`` of ``records``."""
        span = self.span
        scope_spans = b"".join([self._scope, *[span(record) for record in records]])
        resource_spans = b"".join(
            (self._resource, SCOPE_SPANS_TAG, _varint(len(scope_spans)), scope_spans)
        )
        return b"".join((RESOURCE_SPANS_TAG, _varint(len(resource_spans)), resource_spans))

    def span(self, record: Record) -> bytes:
        """One span as a field of ``ScopeSpans``: tag, length, then its template's bytes, its
        own fields and its attributes."""
        (template, name, trace_id, span_id, parent_id, remote, start, end, varying, error,
         state) = record  # fmt: skip
        found = self._fixed.get(template)
        if found is None:
            found = self._fixed[template] = self._template(template)
        fixed, fixed_keys = found
        own = self._span  # one message reused: cheaper than one made per span
        own.Clear()
        own.trace_id = trace_id.to_bytes(16, "big")
        own.span_id = span_id.to_bytes(8, "big")
        if parent_id:
            own.parent_span_id = parent_id.to_bytes(8, "big")
        if state:
            own.trace_state = state
        own.name = name
        own.start_time_unix_nano = start
        own.end_time_unix_nano = end
        own.flags = REMOTE_PARENT if remote else LOCAL_PARENT
        if error is not None:
            own.status.code = ERROR
            if error:
                own.status.message = error
        if fixed_keys.isdisjoint(varying):
            attribute = self._attribute
            parts = [fixed, own.SerializeToString(), *[attribute(k, v) for k, v in varying.items()]]
        else:  # a varying attribute overrides a fixed one of the same key: no duplicate keys
            own.kind = _kind(template)
            own.attributes.extend(key_values({**template.attributes, **varying}.items()))
            parts = [own.SerializeToString()]
        size = sum(map(len, parts))
        return b"".join([SPAN_TAG, _varint(size), *parts])

    def _template(self, template: Template) -> tuple[bytes, frozenset[str]]:
        fixed = Span(kind=_kind(template), attributes=key_values(template.attributes.items()))
        return fixed.SerializeToString(), frozenset(template.attributes)

    def _attribute(self, key: str, value: Any) -> bytes:
        cache_key = (key, type(value), value)
        found = self._values.get(cache_key)
        if found is None:
            if len(self._values) >= CACHED_VALUES:
                self._values.clear()
            found = Span(attributes=key_values(((key, value),))).SerializeToString()
            self._values[cache_key] = found
        return found
