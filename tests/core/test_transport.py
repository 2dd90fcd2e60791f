"""The HTTP client layer: size limits on decoded bodies, and what follows a redirect."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from aiohttp import web
from propylon.transport.client import BodyTooLarge, ClientPool

LIMIT = 1000


def _gzip_backend() -> web.Application:
    """A small gzip body that decodes past the limit, with and without Content-Length."""
    packed = gzip.compress(b"0" * (LIMIT * 100))

    async def sized(_request: web.Request) -> web.Response:
        return web.Response(body=packed, headers={"Content-Encoding": "gzip"})

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Encoding": "gzip"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        await response.write(packed)
        return response

    app = web.Application()
    app.router.add_get("/sized", sized)
    app.router.add_get("/chunked", chunked)
    return app


@pytest.mark.parametrize("path", ["/sized", "/chunked"])
def test_decoded_body_past_the_limit_is_refused(servers: Any, loop_thread: Any, path: str) -> None:
    url = servers.start(_gzip_backend()) + path
    pool = ClientPool(max_body=LIMIT)

    async def call() -> None:
        try:
            await pool.execute("GET", url, {}, b"")
        finally:
            await pool.close()

    with pytest.raises(BodyTooLarge):
        loop_thread.run(call())


def _redirecting(to: str) -> web.Application:
    async def moved(_request: web.Request) -> web.Response:
        raise web.HTTPFound(to)

    app = web.Application()
    app.router.add_get("/moved", moved)
    return app


def _seen_headers() -> tuple[web.Application, list[dict[str, str]]]:
    seen: list[dict[str, str]] = []

    async def target(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/target", target)
    return app, seen


SECRETS = {"Authorization": ["Bearer t"], "Cookie": ["s=1"], "X-Other": ["kept"]}


def _follow(loop_thread: Any, url: str) -> None:
    pool = ClientPool()

    async def call() -> None:
        try:
            await pool.execute("GET", url, SECRETS, b"")
        finally:
            await pool.close()

    loop_thread.run(call())


def test_credentials_do_not_follow_a_redirect_to_another_host(
    servers: Any, loop_thread: Any
) -> None:
    app, seen = _seen_headers()
    target = servers.start(app).replace("127.0.0.1", "localhost") + "/target"
    _follow(loop_thread, servers.start(_redirecting(target)) + "/moved")
    assert "Authorization" not in seen[0] and "Cookie" not in seen[0]
    assert seen[0]["X-Other"] == "kept"


def test_credentials_follow_a_redirect_on_the_same_host(servers: Any, loop_thread: Any) -> None:
    app, seen = _seen_headers()
    target = servers.start(app) + "/target"
    _follow(loop_thread, servers.start(_redirecting(target)) + "/moved")
    assert seen[0]["Authorization"] == "Bearer t" and seen[0]["Cookie"] == "s=1"
