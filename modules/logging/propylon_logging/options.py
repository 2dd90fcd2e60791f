"""The three namespaces' options, with KrakenD's defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from propylon.sdk import Namespace, OptionError, Scope

from propylon_logging.pattern import compile_pattern

Level = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
Facility = Literal["local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]
SERVICE_ONLY = frozenset({Scope.SERVICE})


@dataclass(frozen=True)
class LoggingOptions:
    level: Level
    prefix: str = ""
    syslog: bool = False
    stdout: bool = False
    format: Literal["default", "logstash", "custom"] = "default"
    custom_format: str = ""
    syslog_facility: Facility = "local3"
    # The custom format as a Python logging format, compiled once.
    compiled_format: str = field(init=False, default="")

    def __post_init__(self) -> None:
        if self.format != "custom":
            return
        if not self.custom_format:
            raise OptionError("custom_format", 'required with "format": "custom"')
        try:
            object.__setattr__(self, "compiled_format", compile_pattern(self.custom_format))
        except ValueError as exc:
            raise OptionError("custom_format", str(exc)) from None


@dataclass(frozen=True)
class GelfOptions:
    address: str
    enable_tcp: bool = False

    def __post_init__(self) -> None:
        host, _, port = self.address.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise OptionError("address", f"expected host:port, got {self.address!r}")


@dataclass(frozen=True)
class LogstashOptions:
    enabled: bool = True


LOGGING = Namespace("telemetry/logging", LoggingOptions, SERVICE_ONLY)
GELF = Namespace("telemetry/gelf", GelfOptions, SERVICE_ONLY)
LOGSTASH = Namespace("telemetry/logstash", LogstashOptions, SERVICE_ONLY)
