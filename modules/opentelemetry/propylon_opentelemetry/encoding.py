"""Recorded spans encoded straight to an OTLP ``ExportTraceServiceRequest``.

The SDK's encoder costs tens of microseconds a span (a ``ReadableSpan`` each, every attribute
converted every time). Here what every span of a worker shares (resource, scope) is
serialized once with opentelemetry-proto's generated classes, and so is a span's kind with
its attributes, cached by template and varying attributes (statuses, flags repeat), and
with its name. What changes with every span (ids, times, status) is written as protobuf
fields directly, their keys taken from the generated descriptors. Protobuf reads
concatenated fields in any order, which is what lets the parts be joined as bytes; each
span and the enclosing messages are framed by field tag and length.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import (
    AnyValue,
    ArrayValue,
    InstrumentationScope,
    KeyValue,
)
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import (
    ResourceSpans,
    ScopeSpans,
    Span,
    SpanFlags,
    Status,
)

from propylon_opentelemetry.spans import Attrs, Record, Template

# Whether the parent is remote is known for every span (OTLP's span flags).
LOCAL_PARENT = SpanFlags.SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK
REMOTE_PARENT = LOCAL_PARENT | SpanFlags.SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK
ERROR = Status.STATUS_CODE_ERROR
CACHED_VALUES = 4096  # varying attributes kept serialized; beyond, the cache starts again


def _tag(message: Any, field: str, wire_type: int = 2) -> bytes:
    """A field's key; wire type 2 (length-delimited) unless said."""
    return _varint(message.DESCRIPTOR.fields_by_name[field].number << 3 | wire_type)


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
TRACE_ID = _tag(Span, "trace_id") + b"\x10"  # with the length: 16 bytes
SPAN_ID = _tag(Span, "span_id") + b"\x08"
PARENT_ID = _tag(Span, "parent_span_id") + b"\x08"
TRACE_STATE = _tag(Span, "trace_state")
NAME = _tag(Span, "name")
STATUS = _tag(Span, "status")
STATUS_MESSAGE = _tag(Status, "message")
STATUS_ERROR = _tag(Status, "code", 0) + _varint(ERROR)
START_TAG, END_TAG = _tag(Span, "start_time_unix_nano", 1), _tag(Span, "end_time_unix_nano", 1)
# The span flags, fixed32 (wire type 5), for either kind of parent.
FLAGS = {
    remote: _tag(Span, "flags", 5) + struct.pack("<I", flags)
    for remote, flags in ((False, LOCAL_PARENT), (True, REMOTE_PARENT))
}
# The fields every span has, of fixed size, in one pack: trace and span ids (big-endian
# bytes, as in ``traceparent``), both times (fixed64, wire type 1) and the flags.
FIXED = struct.Struct(
    f"<{len(TRACE_ID)}s16s{len(SPAN_ID)}s8s{len(START_TAG)}sQ{len(END_TAG)}sQ{len(FLAGS[False])}s"
)
# The same, and the parent's span id: every span but a trace's first.
CHILD = struct.Struct(f"{FIXED.format}{len(PARENT_ID)}s8s")
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
    if isinstance(value, tuple | list):  # a reported header's values
        return AnyValue(array_value=ArrayValue(values=[any_value(v) for v in value]))
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
        self._heads: dict[tuple[Template, Attrs, str], bytes] = {}
        self._attributes: dict[tuple[Template, Attrs], bytes] = {}

    def encode(self, records: Sequence[Record]) -> bytes:
        """The serialized ``ExportTraceServiceRequest`` of ``records``."""
        span = self.span
        scope_spans = b"".join([self._scope, *[span(record) for record in records]])
        resource_spans = b"".join(
            (self._resource, SCOPE_SPANS_TAG, _varint(len(scope_spans)), scope_spans)
        )
        return b"".join((RESOURCE_SPANS_TAG, _varint(len(resource_spans)), resource_spans))

    def span(self, record: Record) -> bytes:
        """One span as a field of ``ScopeSpans``: tag, length, then its fields."""
        (template, name, trace_id, span_id, parent_id, remote, start, end, varying, error,
         state) = record  # fmt: skip
        head = self._heads.get((template, varying, name))
        if head is None:
            head = self._head(template, varying, name)
        if parent_id:
            fixed = CHILD.pack(TRACE_ID, trace_id.to_bytes(16, "big"), SPAN_ID,
                               span_id.to_bytes(8, "big"), START_TAG, start, END_TAG, end,
                               FLAGS[remote], PARENT_ID, parent_id.to_bytes(8, "big"))  # fmt: skip
        else:
            fixed = FIXED.pack(TRACE_ID, trace_id.to_bytes(16, "big"), SPAN_ID,
                               span_id.to_bytes(8, "big"), START_TAG, start, END_TAG, end,
                               FLAGS[remote])  # fmt: skip
        size = len(head) + len(fixed)
        if not state and error is None:  # most spans: no other field
            return b"".join((SPAN_TAG, _varint(size), head, fixed))
        parts = [head, fixed]
        if state:
            parts.append(_string(TRACE_STATE, state))
            size += len(parts[-1])
        if error is not None:
            status = _string(STATUS_MESSAGE, error) + STATUS_ERROR if error else STATUS_ERROR
            parts.append(STATUS + _varint(len(status)) + status)
            size += len(parts[-1])
        return b"".join([SPAN_TAG, _varint(size), *parts])

    def _head(self, template: Template, varying: Attrs, name: str) -> bytes:
        """The span's kind, attributes and name, kept for the spans that repeat them. The kind
        and attributes are kept apart too: a router span is named by its path, which may take
        as many values as the route has parameters, and only the name is then made anew."""
        attributes = self._attributes.get((template, varying))
        if attributes is None:
            if len(self._attributes) >= CACHED_VALUES:
                self._attributes.clear()
            attributes = self._kind_and_attributes(template, varying)
            self._attributes[template, varying] = attributes
        if len(self._heads) >= CACHED_VALUES:
            self._heads.clear()
        found = self._heads[template, varying, name] = attributes + _string(NAME, name)
        return found

    def _kind_and_attributes(self, template: Template, varying: Attrs) -> bytes:
        """The span's kind and attributes, a varying one replacing a fixed one of its key (in
        its place, as a merged dict orders them), cached for the spans that repeat them."""
        merged = {**template.attributes, **dict(varying)}
        return Span(kind=_kind(template), attributes=key_values(merged.items())).SerializeToString()


def _string(tag: bytes, text: str) -> bytes:
    data = text.encode()
    return b"".join((tag, _varint(len(data)), data))
