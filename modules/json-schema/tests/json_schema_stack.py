"""The gateway and recording backend of the json-schema module's tests (``Stack``), imported
by them as a plain module: its name is unique among the test folders collected together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from propylon.sdk.testing import RecordingBackend, Servers, build_gateway, load_config
from propylon_json_schema import module as json_schema

# Bodies of several MB reach the backend unchanged (aiohttp reads 1 MiB by default).
BACKEND_BODY_LIMIT = 64 << 20


@web.middleware
async def _large_bodies(request: web.Request, handler: Any) -> web.StreamResponse:
    return await handler(request.clone(client_max_size=BACKEND_BODY_LIMIT))


def reading_large_bodies(app: web.Application) -> web.Application:
    """``app``, reading request bodies of up to ``BACKEND_BODY_LIMIT``."""
    app.middlewares.append(_large_bodies)
    return app


@dataclass
class Stack:
    servers: Servers
    backend: RecordingBackend
    backend_url: str

    def gateway(self, endpoints: list[dict[str, Any]], *, error_msg: bool = True) -> str:
        """A gateway whose endpoints (POST unless they say) call the backend; its base URL."""
        for endpoint in endpoints:
            endpoint.setdefault("method", "POST")
            endpoint.setdefault(
                "backend", [{"host": [self.backend_url], "url_pattern": endpoint["endpoint"]}]
            )
        config = {
            "extra_config": {"router": {"return_error_msg": error_msg}},
            "endpoints": endpoints,
        }
        modules = (json_schema,)
        return self.servers.start(build_gateway(load_config(config, modules), modules))

    def hits(self, path: str) -> int:
        return sum(1 for r in self.backend.requests if r.path == path)

    def last(self) -> tuple[str, bytes]:
        """The path and body of the last request the backend got."""
        seen = self.backend.requests[-1]
        return seen.path, seen.body
