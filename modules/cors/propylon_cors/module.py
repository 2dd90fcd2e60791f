"""The ``cors`` module: validates ``security/cors`` and installs it at the server layer."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from propylon.context import Context
from propylon.modules import Module

from propylon_cors.config import NAMESPACE, log, parse_config
from propylon_cors.middleware import install
from propylon_cors.policy import Policy

SERVICE_LEVEL = "extra_config."


def validate(namespace: str, config: Any, where: str) -> None:
    if not where.startswith(SERVICE_LEVEL):
        log.warning("%s: %s is read only at the service level: ignored", where, namespace)
        return
    parse_config(config, where, warn=True)


def server(app: web.Application, ctx: Context) -> None:
    raw = ctx.service.extra_config.get(NAMESPACE)
    if raw is None:
        return
    config = parse_config(raw, f"extra_config.{NAMESPACE}")
    install(app, Policy(config, ctx.log.getChild("cors")))
    ctx.log.debug("[SERVICE][CORS] enabled for all requests")


module = Module(
    name="cors",
    namespaces=(NAMESPACE,),
    description="Cross-origin resource sharing (security/cors), with rs/cors semantics",
    validate=validate,
    server=server,
)
