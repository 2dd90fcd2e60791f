"""The ``logging`` module: telemetry/logging, telemetry/gelf and telemetry/logstash.

The handlers (``setup``: syslog, GELF, the formats) are imported only by a configuration
with one of the namespaces.
"""

from __future__ import annotations

from aiohttp import web
from propylon.sdk import Context, Module, ServiceConfig, get_logger

from propylon_logging.options import GELF, LOGGING, LOGSTASH

log = get_logger("logging")


def configured(service: ServiceConfig) -> bool:
    return any(ns.of(service) is not None for ns in (LOGGING, GELF, LOGSTASH))


def prefork(service: ServiceConfig, _workers: int) -> None:
    """The supervising process logs as its workers will."""
    if not configured(service):
        return
    from propylon_logging import setup

    for problem in setup.apply(service):
        log.error("[SERVICE: Logging] %s", problem)


def server(_app: web.Application, ctx: Context) -> None:
    if not configured(ctx.service):
        return
    from propylon_logging import setup

    for problem in setup.apply(ctx.service):
        log.error("[SERVICE: Logging] %s", problem)
    log.debug("[SERVICE: telemetry/logging] Improved logging started.")


module = Module(
    name="logging",
    namespaces=(LOGGING, GELF, LOGSTASH),
    description="Gateway logs: level, stdout, syslog, logstash JSON, custom format, GELF",
    server=server,
    prefork=prefork,
)
