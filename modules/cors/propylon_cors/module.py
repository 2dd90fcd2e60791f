"""The ``cors`` module: ``security/cors`` installed at the server layer."""

from __future__ import annotations

from aiohttp import web
from propylon.sdk import Context, Module

from propylon_cors.middleware import install
from propylon_cors.options import CORS
from propylon_cors.policy import Policy


def server(app: web.Application, ctx: Context) -> None:
    options = CORS.of(ctx.service)
    if options is None:
        return
    install(app, Policy(options, ctx.log.getChild("cors")))
    ctx.log.debug("[SERVICE][CORS] enabled for all requests")


module = Module(
    name="cors",
    namespaces=(CORS,),
    description="Cross-origin resource sharing (security/cors), with rs/cors semantics",
    server=server,
)
