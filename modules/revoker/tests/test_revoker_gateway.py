"""A gateway with the jwt and revoker modules, in this process: revoked tokens get 401 before
any backend, others pass, and the revocation interface wants its secret."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from propylon.sdk.testing import RecordingBackend, Servers, build_gateway, load_config, send
from propylon_jwt.module import module as jwt
from propylon_revoker.module import module as revoker_module
from revoker_support import SECRET, Tokens, bearer, gateway_config, revoke, revoker

MODULES = (jwt, revoker_module)


class Gateway:
    def __init__(self, url: str, admin_port: int) -> None:
        self.url = url
        self.admin = f"http://127.0.0.1:{admin_port}/revocations"
        self.admin_port = admin_port

    def status(self, token: str) -> int:
        return send("GET", self.url + "/private", bearer(token)).status


@pytest.fixture
def gateway(
    gateway: Callable[..., str], backend: tuple[RecordingBackend, str], tokens: Tokens, secret: str
) -> Gateway:
    options = revoker()
    return Gateway(gateway(gateway_config(backend[1], tokens, options), *MODULES), options["port"])


def test_a_revoked_token_is_refused_before_any_backend(
    gateway: Gateway, tokens: Tokens, backend: tuple[RecordingBackend, str]
) -> None:
    recording, _ = backend
    token, other = tokens.sign(jti="j-1"), tokens.sign(jti="j-2")
    assert gateway.status(token) == 200
    reply = revoke(gateway.admin_port, "jti", "j-1")
    assert (reply.status, reply.json()) == (200, {"revoked": 1})
    hits = recording.hits
    assert gateway.status(token) == 401
    assert recording.hits == hits
    assert gateway.status(other) == 200


def test_each_token_key_is_checked_and_integers_count(gateway: Gateway, tokens: Tokens) -> None:
    body = json.dumps([{"claim": "sub", "value": "mallory"}, {"claim": "sub", "value": 42}])
    reply = send("POST", gateway.admin, bearer(SECRET), body)
    assert (reply.status, reply.json()) == (200, {"revoked": 2})
    assert gateway.status(tokens.sign(jti="any", sub="mallory")) == 401
    assert gateway.status(tokens.sign(sub=42)) == 401
    assert gateway.status(tokens.sign(sub="42x")) == 200
    # The same value in another claim is another revocation, as in KrakenD (``jti-mallory``).
    assert gateway.status(tokens.sign(jti="mallory", sub="bob")) == 200
    checked = send("GET", gateway.admin + "?claim=sub&value=mallory", bearer(SECRET))
    assert checked.json() == {"revoked": True}
    checked = send("GET", gateway.admin + "?claim=jti&value=mallory", bearer(SECRET))
    assert checked.json() == {"revoked": False}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-secret-of-some-length"},
        {"Authorization": f"Basic {SECRET}"},
        {"Authorization": f"Bearer {SECRET}x"},
    ],
)
def test_the_interface_refuses_a_missing_or_wrong_secret(
    gateway: Gateway, tokens: Tokens, headers: dict[str, str]
) -> None:
    body = json.dumps({"claim": "jti", "value": "j-9"})
    for method, url in (("POST", gateway.admin), ("GET", gateway.admin + "?claim=jti&value=a")):
        reply = send(method, url, headers, body if method == "POST" else None)
        assert reply.status == 401 and reply.headers["WWW-Authenticate"] == "Bearer"
        assert SECRET not in reply.text
    assert gateway.status(tokens.sign(jti="j-9")) == 200


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("not json", "JSON"),
        ({"claim": "email", "value": "a@b"}, "token_keys"),
        ({"claim": "jti"}, "value"),
        ({"claim": "jti", "value": ""}, "value"),
        ({"claim": "jti", "value": 1.5}, "value"),
        ([], "1 to"),
        (["jti-x"], "revocation 0"),
    ],
)
def test_bad_revocations_get_400(gateway: Gateway, body: Any, why: str) -> None:
    sent = body if isinstance(body, str) else json.dumps(body)
    reply = send("POST", gateway.admin, bearer(SECRET), sent)
    assert reply.status == 400 and why in reply.json()["error"], reply.text


def test_endpoints_without_a_validator_are_not_affected(
    servers: Servers, backend: tuple[RecordingBackend, str], tokens: Tokens, secret: str
) -> None:
    config = gateway_config(backend[1], tokens, revoker())
    config["endpoints"].append(
        {"endpoint": "/public", "backend": [{"host": [backend[1]], "url_pattern": "/echo"}]}
    )
    url = servers.start(build_gateway(load_config(config, MODULES), MODULES))
    assert send("GET", url + "/public").status == 200
