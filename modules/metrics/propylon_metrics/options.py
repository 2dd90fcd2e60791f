"""telemetry/metrics options, with krakend-metrics' defaults."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from propylon.sdk import Duration, Namespace, OptionError, Range, Scope

DAY = 86400.0


@dataclass(frozen=True)
class MetricsOptions:
    collection_time: Annotated[Duration, Range(0.001, 7 * DAY)] = 60.0
    listen_address: str = ":8090"
    proxy_disabled: bool = False
    router_disabled: bool = False
    backend_disabled: bool = False
    endpoint_disabled: bool = False

    def __post_init__(self) -> None:
        _host, sep, port = self.listen_address.rpartition(":")
        if not sep or not port.isdigit() or not 0 < int(port) < 65536:
            raise OptionError(
                "listen_address", f"expected [host]:port, got {self.listen_address!r}"
            )

    @property
    def host(self) -> str:
        return self.listen_address.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.listen_address.rpartition(":")[2])


METRICS = Namespace("telemetry/metrics", MetricsOptions, frozenset({Scope.SERVICE}))
