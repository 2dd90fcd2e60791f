"""Configures the gateway's logger (``propylon``, the access log included) from the options.

It runs in the supervising process before the workers fork and again in each worker, where
the handlers are made anew: a TCP connection or a syslog socket is never shared by processes.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from logging.handlers import SysLogHandler

from propylon.sdk import ServiceConfig

from propylon_logging.formats import (
    DEFAULT_PATTERN,
    MODULE,
    SYSLOG_PATTERN,
    LogstashFormatter,
    PatternFormatter,
)
from propylon_logging.gelf import GelfHandler
from propylon_logging.options import GELF, LOGGING, LOGSTASH, GelfOptions, LoggingOptions

ROOT = "propylon"
# Where syslog lines go: the local daemon's socket, as KrakenD's; PROPYLON_SYSLOG_ADDRESS
# (a path, or host:port for UDP) points elsewhere.
SYSLOG_ADDRESS_ENV = "PROPYLON_SYSLOG_ADDRESS"
DEFAULT_SYSLOG = "/dev/log"
_MARK = "_propylon_telemetry"


def syslog_address() -> str | tuple[str, int]:
    address = os.environ.get(SYSLOG_ADDRESS_ENV, DEFAULT_SYSLOG)
    host, sep, port = address.rpartition(":")
    if sep and port.isdigit() and not address.startswith("/"):
        return (host, int(port))
    return address


def apply(service: ServiceConfig) -> list[str]:
    """Installs the handlers the service asks for; returns the problems (one line each)."""
    options = LOGGING.of(service)
    gelf = GELF.of(service)
    logstash = LOGSTASH.of(service)
    if options is None and gelf is None and logstash is None:
        return []
    logger = logging.getLogger(ROOT)
    remove(logger)
    problems: list[str] = []
    handlers = build_handlers(options, gelf, logstash is not None and logstash.enabled, problems)
    for handler in handlers:
        setattr(handler, _MARK, True)
        logger.addHandler(handler)
    if options is not None:
        logger.setLevel(options.level)
    # The gateway's lines go where these options say, not also to the default stderr output.
    logger.propagate = False
    return problems


def build_handlers(
    options: LoggingOptions | None,
    gelf: GelfOptions | None,
    logstash: bool,
    problems: list[str],
) -> list[logging.Handler]:
    handlers: list[logging.Handler] = []
    prefix = options.prefix if options is not None else ""
    if logstash:
        module = prefix or MODULE
        main: logging.Formatter = LogstashFormatter(module, with_host=True)
    elif options is not None and options.format == "logstash":
        main = LogstashFormatter()
    elif options is not None and options.format == "custom":
        main = PatternFormatter(options.custom_format)
    else:
        main = PatternFormatter(DEFAULT_PATTERN, prefix)
    if options is None or options.stdout:
        stdout = logging.StreamHandler(sys.stdout)
        stdout.setFormatter(main)
        handlers.append(stdout)
    if options is not None and options.syslog:
        try:
            syslog = SysLogHandler(
                syslog_address(),
                facility=options.syslog_facility,
                socktype=socket.SOCK_DGRAM,
            )
        except OSError as exc:
            problems.append(f"telemetry/logging.syslog: cannot reach the syslog daemon: {exc}")
        else:
            syslog.ident = f"{options.prefix}: " if options.prefix else ""
            syslog.setFormatter(PatternFormatter(SYSLOG_PATTERN))
            handlers.append(syslog)
    if gelf is not None:
        handler = GelfHandler(gelf.address, gelf.enable_tcp)
        handler.setFormatter(main if logstash else logging.Formatter("%(message)s"))
        handlers.append(handler)
    return handlers


def remove(logger: logging.Logger) -> None:
    for handler in [h for h in logger.handlers if getattr(h, _MARK, False)]:
        logger.removeHandler(handler)
        handler.close()
