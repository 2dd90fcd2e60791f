"""Proxy-layer plugin: replaces the HTTP call to a backend with a fixture answer.

Useful to stub a backend that does not exist yet; ``passthrough`` sends the call on and
adds a header to what the backend answered.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from propylon.sdk import HTTPRequest, HTTPResponse, Registrar

Executor = Callable[[HTTPRequest], Awaitable[HTTPResponse]]


def register(registrar: Registrar) -> None:
    registrar.client("fixture", _fixture)
    registrar.client("passthrough", _passthrough)


def _fixture(config: dict, _default: Executor) -> Executor:
    status = int(config.get("status", 200))
    data = config.get("data", {})

    async def execute(request: HTTPRequest) -> HTTPResponse:
        body = dict(data, requested=f"{request.method} {request.url}")
        return HTTPResponse(
            status, {"Content-Type": ["application/json"]}, json.dumps(body).encode()
        )

    return execute


def _passthrough(config: dict, default: Executor) -> Executor:
    header = config.get("header", "X-Plugin")

    async def execute(request: HTTPRequest) -> HTTPResponse:
        request.headers[header] = ["passthrough"]
        return await default(request)

    return execute
