"""The access log: one line per request, as gin's logger writes it in KrakenD.

``| STATUS | LATENCY | CLIENT IP | METHOD "PATH?QUERY"`` to the ``propylon.access`` logger at
INFO (the logging format adds the time). Unlike gin's, the query shows its keys only: query
values carry tokens, keys and passwords often enough that no value is written to a log. ``router.disable_access_log`` removes it;
``logger_skip_paths`` lists paths never logged. With the logger disabled for INFO a request
costs one level check.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence

import orjson
from aiohttp import web
from aiohttp.typedefs import Middleware
from multidict import MultiDictProxy

from propylon.router.clientip import client_ip
from propylon.router.handler import AioHandler
from propylon.router.lean import lean_middleware

log = logging.getLogger("propylon.access")
LINE = "| %3d | %13s | %15s | %-7s %s"
# What can be written between quotes as it is: anything else is escaped, as JSON does.
_PLAIN = re.compile(r'[^"\\\x00-\x1f\x7f]*')


def latency(seconds: float) -> str:
    """A Go duration, rounded down as gin's logger does (10 µs past 1 ms, 10 ms past 1 s)."""
    if seconds >= 60:
        whole = int(seconds) // 10 * 10
        return f"{whole // 60}m{whole % 60}s"
    if seconds >= 1:
        return f"{int(seconds * 100) / 100:g}s"
    if seconds >= 0.001:
        return f"{int(seconds * 100_000) / 100:g}ms"
    return f"{int(seconds * 1e9) / 1000:g}µs"


def _quoted(text: str) -> str:
    if _PLAIN.fullmatch(text):
        return f'"{text}"'
    return orjson.dumps(text).decode()


def _keys(query: MultiDictProxy[str]) -> str:
    """``a=…&b=…``: each parameter named, its value withheld."""
    return "&".join(f"{key}=…" for key, _ in query.items())


def new_access_log(skip_paths: Sequence[str]) -> Middleware:
    """The middleware writing the access log, outermost of the application's."""
    skip = frozenset(skip_paths)

    @web.middleware
    async def access_log(request: web.Request, handler: AioHandler) -> web.StreamResponse:
        start = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            if log.isEnabledFor(logging.INFO) and request.path not in skip:
                query = request.rel_url.query
                path = request.path + "?" + _keys(query) if query else request.path
                ip = client_ip(request)
                took = latency(time.perf_counter() - start)
                log.info(LINE, status, took, ip, request.method, _quoted(path))

    return lean_middleware(access_log)
