"""auth/validator against real tokens: accepted algorithms, refusals (401 and 403), where the
token is read from, and what an accepted request sends its backends."""

from __future__ import annotations

import base64
import json
import time
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import Key
from jwt_servers import Env
from propylon.sdk import Context, Module, Proxy, Request, Response, claims_of

ISSUER = "https://issuer.test"
AUDIENCE = "api://test"


def sign(key: Key, alg: str, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "iat": now, "exp": now + 300}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    header = {"alg": alg, "kid": key.kid}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.encode(header, body, key, algorithms=[alg])


def b64(document: dict[str, Any]) -> str:
    raw = json.dumps(document).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def gw(env: Env) -> str:
    check = {"issuer": ISSUER, "audience": [AUDIENCE], "cache": True}
    return env.gateway(
        [
            {
                "endpoint": "/rs",
                "extra_config": {"auth/validator": env.validator(alg="RS256", **check)},
            },
            {
                "endpoint": "/es",
                "extra_config": {"auth/validator": env.validator(alg="ES256", **check)},
            },
            {
                "endpoint": "/ed",
                "extra_config": {"auth/validator": env.validator(alg="EdDSA", **check)},
            },
            {
                "endpoint": "/hs",
                "extra_config": {"auth/validator": env.validator(alg="HS256", **check)},
            },
            {
                "endpoint": "/admin",
                "extra_config": {
                    "auth/validator": env.validator(
                        alg="RS256", roles=["admin", "root"], cookie_key="session", **check
                    )
                },
            },
            {
                "endpoint": "/nested",
                "extra_config": {
                    "auth/validator": env.validator(
                        alg="RS256",
                        roles_key="realm.access.roles",
                        roles_key_is_nested=True,
                        roles=["admin"],
                        **check,
                    )
                },
            },
            {
                "endpoint": "/any",
                "extra_config": {
                    "auth/validator": env.validator(
                        alg="RS256", scopes=["read", "write"], scopes_key="scope", **check
                    )
                },
            },
            {
                "endpoint": "/all",
                "extra_config": {
                    "auth/validator": env.validator(
                        alg="RS256",
                        scopes=["read", "write"],
                        scopes_key="data.scopes",
                        scopes_matcher="all",
                        **check,
                    )
                },
            },
            {
                "endpoint": "/claims",
                "backend": [{"url_pattern": "/users/{JWT.sub}/{JWT.http://test/tenant}"}],
                "input_headers": ["X-User"],
                "extra_config": {
                    "auth/validator": env.validator(
                        alg="RS256",
                        propagate_claims=[
                            ["sub", "X-User"],
                            ["realm.level", "X-Level"],
                            ["groups", "X-Groups"],
                            ["missing", "X-Missing"],
                        ],
                        **check,
                    )
                },
            },
            {
                "endpoint": "/leeway",
                "extra_config": {"auth/validator": env.validator(alg="RS256", leeway="1m")},
            },
        ]
    )


def test_each_algorithm_accepts_its_tokens(env: Env, gw: str) -> None:
    keys = env.keys
    for path, key, alg in (
        ("/rs", keys.rsa, "RS256"),
        ("/es", keys.ec, "ES256"),
        ("/ed", keys.ed, "EdDSA"),
        ("/hs", keys.oct, "HS256"),
    ):
        reply = env.request(gw + path, sign(key, alg))
        assert reply.status == 200, (path, reply.body)


def test_invalid_tokens_are_refused_with_401_before_any_backend(env: Env, gw: str) -> None:
    rsa = env.keys.rsa
    good = sign(rsa, "RS256")
    head, payload, signature = good.split(".")
    forged = f"{head}.{b64({'iss': ISSUER, 'aud': AUDIENCE, 'sub': 'admin'})}.{signature}"
    unsigned = f"{b64({'alg': 'none', 'kid': 'rsa'})}.{payload}."
    cases = {
        "expired": sign(rsa, "RS256", exp=int(time.time()) - 60),
        "not yet valid": sign(rsa, "RS256", nbf=int(time.time()) + 60),
        "wrong issuer": sign(rsa, "RS256", iss="https://other.test"),
        "wrong audience": sign(rsa, "RS256", aud="api://other"),
        "no audience": sign(rsa, "RS256", aud=None),
        "wrong alg": sign(env.keys.ec, "ES256"),
        "none alg": unsigned,
        "bad signature": forged,
        "malformed": "a.bad.token",
        "string expiry": sign(rsa, "RS256", exp="tomorrow"),
    }
    before = env.backend.hits
    for name, token in cases.items():
        reply = env.request(gw + "/rs", token)
        assert reply.status == 401, name
        assert reply.body == b"", name
    assert env.request(gw + "/rs").status == 401  # no token at all
    assert env.request(gw + "/rs", headers={"Authorization": "Basic dTpw"}).status == 401
    assert env.backend.hits == before


def test_roles_and_scopes_that_do_not_match_get_403(env: Env, gw: str) -> None:
    rsa = env.keys.rsa
    assert env.request(gw + "/admin", sign(rsa, "RS256", roles=["user"])).status == 403
    assert env.request(gw + "/admin", sign(rsa, "RS256")).status == 403
    assert env.request(gw + "/admin", sign(rsa, "RS256", roles=["user", "root"])).status == 200
    assert env.request(gw + "/admin", sign(rsa, "RS256", roles="user admin")).status == 200

    nested = {"access": {"roles": ["admin"]}}
    assert env.request(gw + "/nested", sign(rsa, "RS256", realm=nested)).status == 200
    assert env.request(gw + "/nested", sign(rsa, "RS256", roles=["admin"])).status == 403

    assert env.request(gw + "/any", sign(rsa, "RS256", scope="read other")).status == 200
    assert env.request(gw + "/any", sign(rsa, "RS256", scope="other")).status == 403
    both = {"scopes": ["write", "read"]}
    assert env.request(gw + "/all", sign(rsa, "RS256", data=both)).status == 200
    assert env.request(gw + "/all", sign(rsa, "RS256", data={"scopes": ["read"]})).status == 403
    assert env.request(gw + "/all", sign(rsa, "RS256", data={"scopes": []})).status == 403


def test_token_in_a_cookie(env: Env, gw: str) -> None:
    token = sign(env.keys.rsa, "RS256", roles=["admin"])
    assert env.request(gw + "/admin", headers={"Cookie": f"session={token}"}).status == 200
    assert env.request(gw + "/admin", headers={"Cookie": f"access_token={token}"}).status == 401
    assert env.request(gw + "/rs", headers={"Cookie": f"access_token={token}"}).status == 200


def test_claims_reach_the_backend_as_headers_and_url_params(env: Env, gw: str) -> None:
    token = sign(
        env.keys.rsa,
        "RS256",
        sub="alice",
        realm={"level": 3},
        groups=["a", "b"],
        **{"http://test/tenant": "acme"},
    )
    reply = env.request(gw + "/claims", token, headers={"X-User": "mallory"})
    assert reply.status == 200, reply.body
    seen = env.backend.requests[-1]
    assert seen.path == "/users/alice/acme"
    assert seen.headers["X-User"] == "alice"
    assert seen.headers["X-Level"] == "3"
    assert seen.headers["X-Groups"] == "a,b"
    assert seen.headers["X-Missing"] == ""


def test_leeway(env: Env, gw: str) -> None:
    late = sign(env.keys.rsa, "RS256", exp=int(time.time()) - 30)
    assert env.request(gw + "/leeway", late).status == 200
    assert env.request(gw + "/rs", late).status == 401


def reading_claims(layer: str, seen: list[tuple[str, Any]]) -> Callable[..., Any]:
    """A decorator of a proxy or backend factory that notes what ``claims_of`` gives there."""

    def decorate(next_factory: Callable[[Any], Proxy], ctx: Context) -> Callable[[Any], Proxy]:
        def factory(config: Any) -> Proxy:
            call = next_factory(config)

            async def read(request: Request) -> Response:
                seen.append((layer, claims_of(request)))
                return await call(request)

            return read

        return factory

    return decorate


def test_every_claim_reaches_the_proxy_and_backend_layers(env: Env) -> None:
    seen: list[tuple[str, Any]] = []
    probe = Module(
        name="probe", proxy=reading_claims("proxy", seen), backend=reading_claims("backend", seen)
    )
    validator = {"auth/validator": env.validator(alg="RS256")}
    gw = env.gateway(
        [{"endpoint": "/probed", "extra_config": validator}, {"endpoint": "/open"}], probe
    )
    token = sign(env.keys.rsa, "RS256", sub="alice", realm={"level": 3})
    assert env.request(gw + "/probed", token).status == 200
    (_, proxy_claims), (_, backend_claims) = seen
    assert [layer for layer, _ in seen] == ["proxy", "backend"]
    assert proxy_claims == backend_claims
    assert proxy_claims["sub"] == "alice" and proxy_claims["realm"] == {"level": 3}
    seen.clear()
    assert env.request(gw + "/open", token).status == 200
    assert seen == [("proxy", None), ("backend", None)]  # no validator, no claims
