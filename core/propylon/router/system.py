"""The gateway's own endpoints: ``/__health``, ``/__debug/`` and ``/__echo/``."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import orjson
from aiohttp import web

from propylon.context import AgentHealth, go_time
from propylon.router.handler import AioHandler
from propylon.router.headers import canonical
from propylon.router.request import route_params

JSON = "application/json; charset=utf-8"


def _json(data: object) -> web.Response:
    return web.Response(
        body=orjson.dumps(data, option=orjson.OPT_SORT_KEYS), headers={"Content-Type": JSON}
    )


# The async agents' liveness (the gateway sets it): KrakenD's ``agents``, name -> last ping.
AGENTS = web.AppKey("propylon.agents", AgentHealth)


async def health(request: web.Request) -> web.Response:
    agents = request.app.get(AGENTS)
    report = agents.report() if agents is not None else {}
    return _json({"agents": report, "now": go_time(datetime.now(UTC)), "status": "ok"})


def new_debug_handler(log: logging.Logger) -> AioHandler:
    async def debug(request: web.Request) -> web.Response:
        body = await request.read()
        if log.isEnabledFor(logging.DEBUG):
            prefix = "[ENDPOINT: /__debug/*]"
            log.debug("%s Method: %s", prefix, request.method)
            log.debug("%s URL: %s", prefix, request.raw_path)
            log.debug("%s Query: %s", prefix, dict(request.rel_url.query))
            log.debug("%s Params: %s", prefix, dict(route_params(request)))
            log.debug("%s Headers: %s", prefix, dict(request.headers))
            log.debug("%s Body: %s", prefix, body.decode("utf-8", "replace"))
        return _json({"message": "pong"})

    return debug


async def echo(request: web.Request) -> web.Response:
    url = request.rel_url
    headers: dict[str, list[str]] = {}
    for key, value in request.headers.items():
        if key.lower() != "host":
            headers.setdefault(canonical(key), []).append(value)
    query: dict[str, list[str]] = {}
    for key, value in url.query.items():
        query.setdefault(key, []).append(value)
    return _json(
        {
            "req_uri": request.raw_path,
            "req_uri_details": {
                "fragment": url.fragment,
                "host": request.host,
                "path": url.path,
                "query": url.raw_query_string,
                "user": url.user or "",
            },
            "req_method": request.method,
            "req_querystring": query,
            "req_body": (await request.read()).decode("utf-8", "replace"),
            "req_headers": headers,
        }
    )
