"""The ``bot-detector`` module: the service-level middleware and the endpoint-level handler."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from propylon.context import Context
from propylon.modules import Module
from propylon.router.factory import HandlerFactory

from propylon_bot_detector.config import NAMESPACE, parse_config
from propylon_bot_detector.detector import new_detector
from propylon_bot_detector.handler import new_handler_factory
from propylon_bot_detector.middleware import new_middleware


def validate(namespace: str, config: Any, where: str) -> None:
    parse_config(config, where, warn=True)


def handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    return new_handler_factory(next_factory, ctx.log)


def server(app: web.Application, ctx: Context) -> None:
    raw = ctx.service.extra_config.get(NAMESPACE)
    if raw is None:
        return
    detector = new_detector(parse_config(raw, f"extra_config.{NAMESPACE}"))
    # Inserted first: server decorations stack outward (later ones wrap this one).
    app.middlewares.insert(0, new_middleware(detector, ctx.log))


module = Module(
    name="bot-detector",
    namespaces=(NAMESPACE,),
    description="Rejects bots by User-Agent (security/bot-detector) with 403",
    validate=validate,
    handler=handler,
    server=server,
)
