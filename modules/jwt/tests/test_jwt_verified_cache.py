"""Tokens verified lately are remembered, and remembering changes no answer: a removed key, an
expired token and a changed signature are refused as if every token were verified anew."""

from __future__ import annotations

import time

from joserfc import jwt
from joserfc.jwk import RSAKey
from jwt_servers import Env
from propylon_jwt.fetch import MIN_REFRESH_INTERVAL
from test_jwt_keys import endpoint, own_jwk_server


def _token(key: RSAKey, lifetime: float) -> str:
    claims = {"sub": "u", "exp": int(time.time() + lifetime)}
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key, algorithms=["RS256"])


def test_a_remembered_token_is_refused_once_its_key_is_removed(env: Env) -> None:
    key = RSAKey.generate_key(2048, {"kid": "removed"})
    server, url = own_jwk_server(env, key)
    gw = env.gateway([endpoint(env, "/removed", url)])
    token = _token(key, 60)
    assert [env.request(gw + "/removed", token).status for _ in range(3)] == [200] * 3

    server.document = {"keys": []}
    time.sleep(MIN_REFRESH_INTERVAL + 0.05)
    assert env.request(gw + "/removed", token).status == 401


def test_a_remembered_token_is_refused_once_it_expires(env: Env) -> None:
    key = RSAKey.generate_key(2048, {"kid": "expiring"})
    _server, url = own_jwk_server(env, key)
    gw = env.gateway([endpoint(env, "/expiring", url, cache=True)])
    token = _token(key, 1)
    assert env.request(gw + "/expiring", token).status == 200
    time.sleep(2.3)  # past the expiry and KrakenD's one-second leeway
    assert env.request(gw + "/expiring", token).status == 401


def test_a_remembered_token_with_another_signature_is_refused(env: Env) -> None:
    key = RSAKey.generate_key(2048, {"kid": "tampered"})
    _server, url = own_jwk_server(env, key)
    gw = env.gateway([endpoint(env, "/tampered", url, cache=True)])
    token = _token(key, 60)
    assert env.request(gw + "/tampered", token).status == 200
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    hits = env.backend.hits
    assert env.request(gw + "/tampered", forged).status == 401
    assert env.backend.hits == hits
