"""telemetry/opentelemetry options, with krakend-otel's defaults."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Annotated

from propylon.sdk import HasOptions, Key, Namespace, OptionError, Range, Scope

Port = Annotated[int, Range(0, 65535)]
DEFAULT_SKIP_PATHS = ("/__health", "/__debug/", "/__echo/", "/__stats/")


@dataclass(frozen=True)
class Attribute:
    key: str = ""
    value: str = ""


@dataclass(frozen=True)
class OTLPExporter:
    name: str
    host: str = "localhost"
    port: Port = 4317
    use_http: bool = False
    disable_metrics: bool = False
    disable_traces: bool = False
    custom_metric_reporting_period: Annotated[int, Range(0, 86400)] = 0

    @property
    def endpoint(self) -> str:
        """The collector's base URL: ``host`` may carry ``http://`` or ``https://``."""
        host = self.host if "://" in self.host else f"http://{self.host}"
        return f"{host}:{self.port}"


@dataclass(frozen=True)
class PrometheusExporter:
    name: str
    port: Port = 9090
    listen_ip: str = ""
    host: str = ""  # krakend-otel's own name for listen_ip
    process_metrics: bool = False
    go_metrics: bool = False
    disable_metrics: bool = False

    @property
    def address(self) -> str:
        return self.listen_ip or self.host


@dataclass(frozen=True)
class Exporters:
    otlp: list[OTLPExporter] = field(default_factory=list)
    prometheus: list[PrometheusExporter] = field(default_factory=list)


@dataclass(frozen=True)
class GlobalLayer:
    disable_metrics: bool = False
    disable_traces: bool = False
    disable_propagation: bool = False
    report_headers: bool = False
    skip_headers: list[str] = field(default_factory=list)
    metrics_static_attributes: list[Attribute] = field(default_factory=list)
    traces_static_attributes: list[Attribute] = field(default_factory=list)
    semantic_convention: str = ""


@dataclass(frozen=True)
class ProxyLayer:
    disable_metrics: bool = False
    disable_traces: bool = False
    report_headers: bool = False
    skip_headers: list[str] = field(default_factory=list)
    metrics_static_attributes: list[Attribute] = field(default_factory=list)
    traces_static_attributes: list[Attribute] = field(default_factory=list)


@dataclass(frozen=True)
class BackendMetrics:
    disable_stage: bool = False
    round_trip: bool = True
    read_payload: bool = True
    detailed_connection: bool = True
    static_attributes: list[Attribute] = field(default_factory=list)


@dataclass(frozen=True)
class BackendTraces:
    disable_stage: bool = False
    round_trip: bool = True
    read_payload: bool = True
    detailed_connection: bool = True
    static_attributes: list[Attribute] = field(default_factory=list)
    report_headers: bool = False
    skip_headers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BackendLayer:
    metrics: BackendMetrics = field(default_factory=BackendMetrics)
    traces: BackendTraces = field(default_factory=BackendTraces)


@dataclass(frozen=True)
class Layers:
    global_: Annotated[GlobalLayer, Key("global")] = field(default_factory=GlobalLayer)
    proxy: ProxyLayer = field(default_factory=ProxyLayer)
    backend: BackendLayer = field(default_factory=BackendLayer)


@dataclass(frozen=True)
class OTelOptions:
    service_name: str = ""
    service_version: str = ""
    deploy_env: str = ""
    metric_reporting_period: Annotated[int, Range(1, 86400)] = 30
    trace_sample_rate: Annotated[float, Range(0.0, 1.0)] = 1.0
    skip_paths: list[str] = field(default_factory=lambda: list(DEFAULT_SKIP_PATHS))
    exporters: Exporters = field(default_factory=Exporters)
    layers: Layers = field(default_factory=Layers)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for kind in ("otlp", "prometheus"):
            for index, exporter in enumerate(getattr(self.exporters, kind)):
                if exporter.name in seen:
                    raise OptionError(
                        f"exporters.{kind}[{index}].name",
                        f"duplicate exporter name {exporter.name!r}",
                    )
                seen.add(exporter.name)


@dataclass(frozen=True)
class LayerOverrides:
    """An endpoint's or a backend's ``telemetry/opentelemetry``: the layers alone, as
    krakend-otel reads it there. A layer given replaces the service's whole (its attributes
    are not merged); of ``global``, an endpoint takes the static attributes only."""

    global_: Annotated[GlobalLayer | None, Key("global")] = None
    proxy: ProxyLayer | None = None
    backend: BackendLayer | None = None


OTEL = Namespace(
    "telemetry/opentelemetry",
    OTelOptions,
    frozenset({Scope.SERVICE, Scope.ENDPOINT, Scope.BACKEND}),
    scoped_schemas=((Scope.ENDPOINT, LayerOverrides), (Scope.BACKEND, LayerOverrides)),
)


def proxy_layer(service: Layers, endpoint: HasOptions) -> ProxyLayer:
    """The endpoint's proxy layer: its own if it has one, else the service's."""
    own = OTEL.scoped_of(endpoint, LayerOverrides)
    return own.proxy if own is not None and own.proxy is not None else service.proxy


def backend_layer(service: Layers, backend: HasOptions) -> BackendLayer:
    """The backend's layer: its own if it has one, else the service's."""
    own = OTEL.scoped_of(backend, LayerOverrides)
    return own.backend if own is not None and own.backend is not None else service.backend


def endpoint_global(service: Layers, endpoint: HasOptions) -> GlobalLayer:
    """The service's global layer, with the endpoint's static attributes where it has them."""
    own = OTEL.scoped_of(endpoint, LayerOverrides)
    if own is None or own.global_ is None:
        return service.global_
    return replace(
        service.global_,
        metrics_static_attributes=own.global_.metrics_static_attributes,
        traces_static_attributes=own.global_.traces_static_attributes,
    )
