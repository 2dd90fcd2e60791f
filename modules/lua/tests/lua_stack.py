"""The gateway and backend of the lua module's tests (``Stack``), imported by them as a plain
module: its name is unique among the test folders collected together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from propylon.sdk.testing import Recorded, RecordingBackend, Servers, build_gateway, load_config
from propylon_lua import module as lua


@web.middleware
async def describing(request: web.Request, handler: Any) -> web.StreamResponse:
    """Records the request, a repeated header as one comma-separated value, then answers with
    its path, a list of items and a header, for scripts to read and change."""
    folded = {name: ", ".join(request.headers.getall(name)) for name in request.headers}
    await handler(request.clone(headers=folded))
    document = {"path": request.path, "items": [{"id": 1}, {"id": 2}], "message": "ok"}
    return web.json_response(document, headers={"X-Backend": "yes"})


@dataclass
class Stack:
    servers: Servers
    backend: RecordingBackend
    backend_url: str

    def gateway(self, endpoints: list[dict[str, Any]], **extra: Any) -> str:
        """A gateway whose endpoints call the backend (unless they say); its base URL."""
        for endpoint in endpoints:
            backend = {"host": [self.backend_url], "url_pattern": endpoint["endpoint"]}
            backend.update(endpoint.pop("backend_extra", {}))
            endpoint.setdefault("backend", [backend])
        config = {
            "extra_config": {"router": {"return_error_msg": True}, **extra},
            "endpoints": endpoints,
        }
        return self.servers.start(build_gateway(load_config(config, [lua]), [lua]))

    def last(self) -> Recorded:
        return self.backend.requests[-1]
