"""A worker's telemetry: the tracer, the meter, and the exporters krakend-otel configures.

Built in the worker (after the fork: the span recorder runs a thread). Spans leave in
batches from that thread, never on the request path. Metrics go to each Prometheus exporter
as the gateway's totals (see ``shared``) and to each OTLP exporter as this worker's own
(``service.instance.id`` tells the workers apart, as OpenTelemetry expects).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from typing import Any

from aiohttp import web
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Histogram,
    HistogramDataPoint,
    Metric,
    MetricExporter,
    MetricsData,
    NumberDataPoint,
    ResourceMetrics,
    ScopeMetrics,
    Sum,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from propylon.sdk import ServiceConfig, get_logger

from propylon_opentelemetry import prometheus
from propylon_opentelemetry.instruments import Meter, merge
from propylon_opentelemetry.options import OTelOptions, OTLPExporter, PrometheusExporter
from propylon_opentelemetry.shared import FIGURES
from propylon_opentelemetry.spans import Recorder, SpanSink

log = get_logger("opentelemetry")

SCOPE = InstrumentationScope("krakend-otel", "propylon")
SPAN_SCOPE = "krakend-otel"
DEFAULT_VERSION = "0.1.0"


class Telemetry:
    def __init__(self, service: ServiceConfig, options: OTelOptions) -> None:
        self.options = options
        name = options.service_name or service.name or "KrakenD"
        self.resource_attributes = {
            "service.name": name,
            "service.version": options.service_version or DEFAULT_VERSION,
        }
        if options.deploy_env:
            self.resource_attributes["deployment.environment"] = options.deploy_env
        self.meter = Meter()
        # The SDK's resource: these, OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, telemetry.sdk.*
        self.span_resource = dict(Resource.create(self.resource_attributes).attributes)
        self.metric_exporters: list[tuple[MetricExporter, float]] = []
        self._span_sinks: list[SpanSink] = []
        for exporter in options.exporters.otlp:
            self._add_otlp(exporter)
        # Without a trace exporter, the recorder still reads and passes on trace contexts.
        self.spans = Recorder(self._span_sinks, options.trace_sample_rate)
        self.tracing = bool(self._span_sinks)
        self.prometheus = [p for p in options.exporters.prometheus if not p.disable_metrics]
        self._tasks: list[asyncio.Task[None]] = []
        self._runners: list[web.AppRunner] = []
        self._started = time.time_ns()

    @property
    def metrics_enabled(self) -> bool:
        return bool(self.prometheus or self.metric_exporters)

    def _add_otlp(self, exporter: OTLPExporter) -> None:
        base = exporter.endpoint
        if exporter.use_http:
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

            from propylon_opentelemetry.otlp_http import HTTPSpanSink, Settings

            spans: Any = lambda: HTTPSpanSink(  # noqa: E731
                exporter.name, f"{base}/v1/traces", self.span_resource, SPAN_SCOPE,
                Settings.from_env(),
            )  # fmt: skip
            metrics: Any = lambda: OTLPMetricExporter(endpoint=f"{base}/v1/metrics")  # noqa: E731
        else:
            try:
                from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (
                    OTLPMetricExporter as GrpcMetricExporter,
                )
                from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
                    OTLPSpanExporter as GrpcSpanExporter,
                )
            except ImportError:
                log.warning(
                    "[SERVICE: OpenTelemetry] exporter %r: OTLP over gRPC needs "
                    "propylon-opentelemetry[grpc]; set use_http to true (port 4318) or install it",
                    exporter.name,
                )
                return
            from propylon_opentelemetry.sdk_export import SDKSpanSink

            address = base.split("://", 1)[1]
            insecure = not base.startswith("https://")
            spans = lambda: SDKSpanSink(  # noqa: E731
                GrpcSpanExporter(endpoint=address, insecure=insecure), self.span_resource,
                SPAN_SCOPE,
            )  # fmt: skip
            metrics = lambda: GrpcMetricExporter(endpoint=address, insecure=insecure)  # noqa: E731
        if not exporter.disable_traces:
            self._span_sinks.append(spans())
        if not exporter.disable_metrics:
            period = exporter.custom_metric_reporting_period or self.options.metric_reporting_period
            self.metric_exporters.append((metrics(), float(period)))

    # Metrics out

    def gateway_figures(self) -> dict[str, Any]:
        return merge([self.meter.dump(), *(d["meter"] for d in FIGURES.others())])

    def scrape(self, exporter: PrometheusExporter) -> bytes:
        process: dict[str, float] = {}
        if exporter.process_metrics:
            own = prometheus.process_figures()
            process = prometheus.merge_process([own, *(d["process"] for d in FIGURES.others())])
        return prometheus.render(self.gateway_figures(), self.resource_attributes, process)

    def metrics_data(self) -> MetricsData:
        now = time.time_ns()
        metrics = []
        for name, instrument in merge([self.meter.dump()]).items():
            if instrument["kind"] == "counter":
                points: list[Any] = [
                    NumberDataPoint(dict(attrs), self._started, now, int(total))
                    for attrs, (_b, _c, total) in instrument["series"].items()
                ]
                data: Any = Sum(points, AggregationTemporality.CUMULATIVE, True)
            else:
                points = [
                    HistogramDataPoint(
                        dict(attrs),
                        self._started,
                        now,
                        count,
                        total,
                        buckets,
                        instrument["bounds"],
                        None,  # type: ignore[arg-type]  # min and max: optional in OTLP, not kept
                        None,  # type: ignore[arg-type]
                    )
                    for attrs, (buckets, count, total) in instrument["series"].items()
                ]
                data = Histogram(points, AggregationTemporality.CUMULATIVE)
            metrics.append(Metric(name, None, None, data))
        resource = Resource.create(
            {**self.resource_attributes, "service.instance.id": str(os.getpid())}
        )
        scope = ScopeMetrics(SCOPE, metrics, "")
        return MetricsData([ResourceMetrics(resource, [scope], "")])

    # Life cycle

    async def start(self, _app: web.Application) -> None:
        self.spans.start()
        if self.prometheus:
            self._tasks.append(asyncio.create_task(self._share()))
        for exporter, period in self.metric_exporters:
            self._tasks.append(asyncio.create_task(self._report(exporter, period)))
        for exposition in self.prometheus:
            await self._serve(exposition)

    async def _share(self) -> None:
        while FIGURES.folder is not None:
            await asyncio.sleep(FIGURES.flush_seconds)
            process = (
                prometheus.process_figures()
                if any(p.process_metrics for p in self.prometheus)
                else {}
            )
            dump = {"meter": self.meter.dump(), "process": process}
            await asyncio.to_thread(FIGURES.write, dump)

    async def _report(self, exporter: MetricExporter, period: float) -> None:
        while True:
            await asyncio.sleep(period)
            data = self.metrics_data()
            with contextlib.suppress(Exception):
                await asyncio.to_thread(exporter.export, data)

    async def _serve(self, exporter: PrometheusExporter) -> None:
        async def handle(_request: web.Request) -> web.Response:
            body = await asyncio.to_thread(self.scrape, exporter)
            return web.Response(body=body, content_type="text/plain", charset="utf-8")

        app = web.Application()
        app.router.add_get("/metrics", handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(
            runner, exporter.address or None, exporter.port, reuse_port=FIGURES.folder is not None
        )
        try:
            await site.start()
        except OSError as exc:
            log.error(
                "[SERVICE: OpenTelemetry] Prometheus exporter %r cannot listen: %s",
                exporter.name,
                exc,
            )
            await runner.cleanup()
            return
        self._runners.append(runner)

    async def stop(self, _app: web.Application) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for runner in self._runners:
            await runner.cleanup()
        if self.tracing:
            await asyncio.to_thread(self.spans.shutdown)
        for exporter, _period in self.metric_exporters:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(exporter.export, self.metrics_data())
            exporter.shutdown()
