"""Shared helpers of the martian tests: endpoint definitions and the backends' answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from propylon.sdk.testing import Recorded, RecordingBackend, Servers, build_gateway, load_config
from propylon_martian import module as martian


@dataclass
class Backend:
    served: RecordingBackend
    url: str

    @property
    def last(self) -> Recorded:
        return self.served.requests[-1]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


async def answer(request: web.Request) -> web.StreamResponse:
    """JSON with a few headers to work on; ``?status=N`` answers N, ``?cookie=1`` sets one."""
    status = int(request.query.get("status", "200"))
    response = web.json_response({"ok": True, "path": request.path}, status=status)
    response.headers["X-Backend"] = "yes"
    response.headers["X-Secret"] = "s3cr3t"
    if "cookie" in request.query:
        response.headers.add("Set-Cookie", "session=abc; Path=/")
    return response


def endpoint(
    path: str,
    host: str,
    definition: dict[str, Any],
    *,
    url_pattern: str = "/b",
    method: str = "GET",
    no_op: bool = False,
    input_headers: list[str] | None = None,
    input_query_strings: list[str] | None = None,
) -> dict[str, Any]:
    backend: dict[str, Any] = {
        "host": [host],
        "url_pattern": url_pattern,
        "method": method,
        "extra_config": {"modifier/martian": definition},
    }
    found: dict[str, Any] = {"endpoint": path, "method": method, "backend": [backend]}
    if no_op:
        backend["encoding"] = "no-op"
        found["output_encoding"] = "no-op"
    if input_headers:
        found["input_headers"] = input_headers
    if input_query_strings:
        found["input_query_strings"] = input_query_strings
    return found


def start(servers: Servers, endpoints: list[dict[str, Any]], **service: Any) -> str:
    """A gateway with the martian module serving ``endpoints``; its base URL."""
    config = {"version": 3, "endpoints": endpoints, **service}
    return servers.start(build_gateway(load_config(config, [martian]), [martian]))


def mod(kind: str, scope: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    """``{kind: {scope, **fields}}`` (no scope: as martian, every scope the modifier has)."""
    body = dict(fields)
    if scope is not None:
        body["scope"] = scope
    return {kind: body}


REQ, RES, BOTH = ["request"], ["response"], ["request", "response"]
