"""A real OTLP/HTTP receiver: decodes the protobuf requests the gateway's exporter sends."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from propylon.sdk.testing import Servers


@dataclass
class Receiver:
    url: str = ""
    spans: list[Any] = field(default_factory=list)
    resources: list[dict[str, str]] = field(default_factory=list)
    batches: list[int] = field(default_factory=list)  # spans per request
    headers: list[dict[str, str]] = field(default_factory=list)


@pytest.fixture(autouse=True)
def quick_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spans leave in batches every 100 ms rather than 5 s."""
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "100")


@pytest.fixture
def receiver(servers: Servers) -> Iterator[Receiver]:
    found = Receiver()

    async def traces(request: web.Request) -> web.Response:
        message = ExportTraceServiceRequest()
        message.ParseFromString(await request.read())  # aiohttp inflates a gzip body
        found.headers.append(dict(request.headers))
        found.batches.append(
            sum(len(s.spans) for r in message.resource_spans for s in r.scope_spans)
        )
        for resource_spans in message.resource_spans:
            attrs = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            found.resources.append(attrs)
            for scope_spans in resource_spans.scope_spans:
                found.spans.extend(scope_spans.spans)
        body = ExportTraceServiceResponse().SerializeToString()
        return web.Response(body=body, content_type="application/x-protobuf")

    app = web.Application()
    app.router.add_post("/v1/traces", traces)
    found.url = servers.start(app)
    yield found
