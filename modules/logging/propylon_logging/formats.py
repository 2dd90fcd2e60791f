"""The log line formats: KrakenD's default, logstash JSON, and a custom go-logging pattern."""

from __future__ import annotations

import itertools
import logging
import os
import socket
import sys
from datetime import UTC, datetime

import orjson

from propylon_logging.pattern import compile_pattern, go_time, time_layout

DEFAULT_PATTERN = " %{time:2006/01/02 - 15:04:05.000} ▶ %{level} %{message}"
SYSLOG_PATTERN = "%{level} > %{message}"
MODULE = "KRAKEND"
HOSTNAME = socket.gethostname() or "localhost"
_sequence = itertools.count(1)


class PatternFormatter(logging.Formatter):
    """A go-logging pattern, its time in the pattern's Go layout, after ``prefix``."""

    def __init__(self, pattern: str, prefix: str = "", module: str = MODULE) -> None:
        super().__init__(prefix.replace("%", "%%") + compile_pattern(pattern))
        self._strftime = go_time(time_layout(pattern))
        self._module = module
        self._program = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "propylon"

    def format(self, record: logging.LogRecord) -> str:
        record.module_name = self._module
        record.program = self._program
        record.sequence = next(_sequence)
        return super().format(record)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created).astimezone()
        return go_strftime(moment, self._strftime)


def go_strftime(moment: datetime, layout: str) -> str:
    """``layout`` from ``go_time``: strftime plus fractions (``{fracN}``) and ``{tzc}``."""
    text = moment.strftime(layout)
    if "{frac" in text:
        micro = f"{moment.microsecond:06d}000"
        for digits in range(1, 10):
            text = text.replace(f"{{frac{digits}}}", micro[:digits])
    if "{tzc}" in text:
        offset = moment.strftime("%z")
        text = text.replace("{tzc}", f"{offset[:3]}:{offset[3:]}" if offset else "Z")
    return text


class LogstashFormatter(logging.Formatter):
    """One JSON object per line, the fields logstash's ``json`` codec reads (``@timestamp``,
    ``@version``, ``level``, ``message``, ``module``; ``host`` with telemetry/logstash)."""

    def __init__(self, module: str = MODULE, with_host: bool = False) -> None:
        super().__init__()
        self._module = module
        self._host = HOSTNAME if with_host else None

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).astimezone()
        entry: dict[str, object] = {
            "@timestamp": moment.isoformat(timespec="microseconds"),
            "@version": 1,
            "level": record.levelname,
            "message": record.getMessage(),
            "module": self._module,
        }
        if self._host is not None:
            entry["host"] = self._host
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()
