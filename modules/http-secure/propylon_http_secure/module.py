"""The ``http-secure`` module: ``security/http`` installed at the server layer."""

from __future__ import annotations

from aiohttp import web
from propylon.sdk import Context, Module

from propylon_http_secure.middleware import install
from propylon_http_secure.options import SECURE
from propylon_http_secure.policy import Policy


def server(app: web.Application, ctx: Context) -> None:
    options = SECURE.of(ctx.service)
    if options is None:
        return
    install(app, Policy(options))
    ctx.log.debug("[SERVICE: Gin][HTTPsecure] Successfully loaded module")


module = Module(
    name="http-secure",
    namespaces=(SECURE,),
    description="HTTP security (security/http): allowed hosts, HTTPS redirect, security headers",
    server=server,
)
