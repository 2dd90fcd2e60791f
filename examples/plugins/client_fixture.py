"""Proxy-layer plugin: replaces the HTTP call to a backend with a fixture answer.

Useful to stub a backend that does not exist yet; ``passthrough`` sends the call on and
adds a header to what the backend answered.
"""

from __future__ import annotations

import json


def register(registrar) -> None:
    registrar.client("fixture", _fixture)
    registrar.client("passthrough", _passthrough)


def _fixture(config: dict, _default):
    status = int(config.get("status", 200))
    data = config.get("data", {})

    async def execute(request):
        from propylon.plugin.api import HTTPResponse

        body = dict(data, requested=f"{request.method} {request.url}")
        return HTTPResponse(
            status, {"Content-Type": ["application/json"]}, json.dumps(body).encode()
        )

    return execute


def _passthrough(config: dict, default):
    header = config.get("header", "X-Plugin")

    async def execute(request):
        request.headers[header] = ["passthrough"]
        return await default(request)

    return execute
