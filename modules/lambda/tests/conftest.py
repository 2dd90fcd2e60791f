"""A local server speaking the Lambda Invoke REST API, and AWS credentials for the SDK."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from aiohttp import web


@dataclass
class Invocation:
    function: str
    payload: bytes
    headers: dict[str, str]


@dataclass
class LambdaAPI:
    """``POST /2015-03-31/functions/{name}/invocations``, as AWS Lambda answers it. Functions:
    ``echo`` answers ``{"got": <payload>}``; ``list`` a JSON list; ``throttled`` a 429."""

    calls: list[Invocation] = field(default_factory=list)

    async def invoke(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        payload = await request.read()
        self.calls.append(Invocation(name, payload, dict(request.headers)))
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        if name == "throttled":
            body = {"Type": "User", "message": "Rate exceeded"}
            headers["X-Amzn-ErrorType"] = "TooManyRequestsException"
            return web.json_response(body, status=429, headers=headers)
        if name == "list":
            return web.json_response([1, 2], headers=headers)
        return web.json_response({"got": json.loads(payload or b"null")}, headers=headers)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/2015-03-31/functions/{name}/invocations", self.invoke)
        return app


@pytest.fixture
def aws(monkeypatch):
    """Credentials from the environment only: no config file, no instance metadata."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def lambda_api(servers) -> tuple[LambdaAPI, str]:
    api = LambdaAPI()
    return api, servers.start(api.app())
