"""Real servers for the client-credentials tests, all on 127.0.0.1: an OAuth 2 token server
that checks the credentials and counts its grants, a backend recording what reaches it, and
gateways built with the module in front of them."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import pytest
from aiohttp import web
from propylon.sdk.testing import RecordingBackend, Reply, Servers, build_gateway, load_config, send
from propylon_client_credentials import module

CLIENT_ID = "gateway"
# Characters a form escapes, so the test sees whether they were escaped as Go escapes them.
CLIENT_SECRET = "s3cr3t:with/odd+chars ü"


@dataclass
class Grant:
    """One token request as the server read it."""

    style: str  # "header" (HTTP Basic) or "params" (form fields)
    client_id: str
    client_secret: str
    form: dict[str, list[str]]
    body: str


@dataclass
class TokenServer:
    """Issues ``token-<n>`` to the right credentials; ``answer`` replaces every answer."""

    expires_in: Any = 3600
    token_type: str = "bearer"
    accept_basic: bool = True
    delay: float = 0.0
    form_answer: bool = False
    answer: tuple[int, str, str] | None = None  # status, content type, body
    seen: list[Grant] = field(default_factory=list)
    grants: int = 0
    url: str = ""

    @property
    def attempts(self) -> int:
        return len(self.seen)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/token", self.token)
        return app

    async def token(self, request: web.Request) -> web.Response:
        body = (await request.read()).decode()
        form: dict[str, list[str]] = {}
        for key, value in (await request.post()).items():
            form.setdefault(key, []).append(str(value))
        grant = self._read(request, form, body)
        self.seen.append(grant)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.answer is not None:
            status, content_type, text = self.answer
            return web.Response(status=status, text=text, content_type=content_type)
        if grant.style == "header" and not self.accept_basic:
            return self._error("invalid_client", "Basic authentication is not accepted")
        if (grant.client_id, grant.client_secret) != (CLIENT_ID, CLIENT_SECRET):
            return self._error("invalid_client", "Bad client credentials")
        if form.get("grant_type") != ["client_credentials"]:
            return self._error("unsupported_grant_type", "")
        self.grants += 1
        document = {"access_token": f"token-{self.grants}", "token_type": self.token_type}
        if self.expires_in is not None:
            document["expires_in"] = self.expires_in
        if self.form_answer:
            text = "&".join(f"{k}={v}" for k, v in document.items())
            return web.Response(text=text, content_type="application/x-www-form-urlencoded")
        return web.json_response(document)

    @staticmethod
    def _read(request: web.Request, form: dict[str, list[str]], body: str) -> Grant:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return Grant("header", unquote_plus(user), unquote_plus(password), form, body)
        ids, secrets = form.get("client_id", [""]), form.get("client_secret", [""])
        return Grant("params", ids[0], secrets[0], form, body)

    @staticmethod
    def _error(code: str, description: str) -> web.Response:
        document = {"error": code, "error_description": description}
        return web.Response(status=401, text=json.dumps(document), content_type="application/json")


class Env:
    """A token server, a backend and the gateways of one test."""

    client_id = CLIENT_ID
    client_secret = CLIENT_SECRET

    def __init__(self, servers: Servers) -> None:
        self.servers = servers
        self.tokens = TokenServer()
        self.tokens.url = servers.start(self.tokens.app()) + "/token"
        self.backend = RecordingBackend()
        self.backend_url = servers.start(self.backend.app())

    def credentials(self, **options: Any) -> dict[str, Any]:
        return {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "token_url": self.tokens.url,
            **options,
        }

    def config(self, credentials: dict[str, Any] | None = None, **endpoint: Any) -> dict:
        """One endpoint, ``/orders``, whose backend has these credentials."""
        extra = {"auth/client-credentials": credentials or self.credentials()}
        backend = {"host": [self.backend_url], "url_pattern": "/orders", "extra_config": extra}
        return {"endpoints": [{"endpoint": "/orders", "backend": [backend], **endpoint}]}

    def gateway(self, config: dict[str, Any]) -> str:
        return self.servers.start(build_gateway(load_config(config, [module]), [module]))

    def get(self, url: str, headers: dict[str, str] | None = None) -> Reply:
        return send("GET", url, headers)

    def parallel(self, url: str, count: int) -> list[Reply]:
        with ThreadPoolExecutor(count) as pool:
            return list(pool.map(lambda _: send("GET", url), range(count)))

    def bearers(self) -> list[str]:
        return [r.headers.get("Authorization", "") for r in self.backend.requests]


@pytest.fixture
def env() -> Iterator[Env]:
    with Servers() as servers:
        yield Env(servers)
