"""The gateways and backend of the cel module's tests (``Stack``), imported by them as a plain
module: its name is unique among the test folders collected together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from joserfc import jwt
from joserfc.jwk import OctKey
from propylon.sdk import Module
from propylon.sdk.testing import RecordingBackend, Servers, build_gateway, load_config
from propylon_cel import module as cel_module
from propylon_jwt.module import module as jwt_module


@dataclass
class Stack:
    """A recording backend answering ``documents[path]`` (else ``{"path": path}``) with the
    header ``X-Tier: gold``, gateways in front of it, and the key of the tokens they accept."""

    servers: Servers
    keys_file: str
    key: OctKey
    documents: dict[str, Any] = field(default_factory=dict)
    backend: RecordingBackend = field(default_factory=RecordingBackend)
    backend_url: str = ""

    def __post_init__(self) -> None:
        @web.middleware
        async def answer(request: web.Request, handler: Any) -> web.StreamResponse:
            await handler(request)  # recorded
            document = self.documents.get(request.path, {"path": request.path})
            return web.json_response(document, headers={"X-Tier": "gold"})

        app = self.backend.app()
        app.middlewares.append(answer)
        self.backend_url = self.servers.start(app)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.backend.requests if r.path == path)

    def gateway(self, endpoints: list[dict[str, Any]], *, with_jwt: bool = False) -> str:
        """A gateway whose endpoints call the backend (``url_pattern`` defaults to the
        endpoint); returns its base URL."""
        for endpoint in endpoints:
            backends = endpoint.setdefault("backend", [{"url_pattern": endpoint["endpoint"]}])
            for backend in backends:
                backend.setdefault("host", [self.backend_url])
        config = {"extra_config": {"router": {"return_error_msg": True}}, "endpoints": endpoints}
        modules: tuple[Module, ...] = (cel_module, jwt_module) if with_jwt else (cel_module,)
        return self.servers.start(build_gateway(load_config(config, modules), modules))

    def validator(self, **options: Any) -> dict[str, Any]:
        """An ``auth/validator`` accepting this stack's HS256 tokens."""
        return {"alg": "HS256", "jwk_local_path": self.keys_file, **options}

    def token(self, **claims: Any) -> str:
        return jwt.encode({"alg": "HS256", "kid": "k1"}, claims, self.key)
