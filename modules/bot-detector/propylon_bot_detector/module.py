"""The ``bot-detector`` module: the service-level middleware and the endpoint-level handler."""

from __future__ import annotations

from aiohttp import web
from propylon.sdk import Context, HandlerFactory, Module

from propylon_bot_detector.detector import new_detector
from propylon_bot_detector.handler import new_handler_factory
from propylon_bot_detector.middleware import new_middleware
from propylon_bot_detector.options import DETECTOR


def handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    return new_handler_factory(next_factory, ctx.log)


def server(app: web.Application, ctx: Context) -> None:
    options = DETECTOR.of(ctx.service)
    if options is None:
        return
    # Inserted first: server decorations stack outward (later ones wrap this one).
    app.middlewares.insert(0, new_middleware(new_detector(options), ctx.log))


module = Module(
    name="bot-detector",
    namespaces=(DETECTOR,),
    description="Rejects bots by User-Agent (security/bot-detector) with 403",
    handler=handler,
    server=server,
)
