"""auth/signer: the named keys of a login response come back signed, verifiable with the
public key; and configuration mistakes are reported naming their field."""

from __future__ import annotations

import json

from joserfc import jws, jwt
from joserfc.jwk import RSAKey
from jwt_servers import Env, write_json
from propylon.sdk.testing import check_config
from propylon_jwt.module import module

CLAIMS = {"sub": "alice", "exp": 2051882755, "roles": ["a"], "note": "<b>&"}


def static(data: dict) -> dict:
    return {"proxy": {"static": {"strategy": "always", "data": data}}}


def test_signed_keys_verify_with_the_public_key(env: Env) -> None:
    private = RSAKey.generate_key(2048, {"kid": "signing"})
    path = write_json(env.folder / "private.json", {"keys": [private.as_dict(private=True)]})
    signer = {"alg": "RS256", "kid": "signing", "keys_to_sign": ["access_token", "plain"]}
    remote = {"alg": "HS256", "kid": "oct", "keys_to_sign": ["access_token"], "full": True}
    gw = env.gateway(
        [
            {
                "endpoint": "/login",
                "extra_config": {
                    **static({"access_token": CLAIMS, "plain": "left alone"}),
                    "auth/signer": {**signer, "jwk_local_path": path},
                },
            },
            {
                "endpoint": "/login-remote",
                "extra_config": {
                    **static({"access_token": CLAIMS}),
                    "auth/signer": env.validator(**remote),
                },
            },
        ],
        cache_ttl="1h",
    )
    reply = env.request(gw + "/login")
    assert reply.status == 200, reply.body
    assert "Cache-Control" not in reply.headers
    document = reply.json()
    assert document["plain"] == "left alone"
    public = RSAKey.import_key(private.as_dict(private=False))
    token = jwt.decode(document["access_token"], public, algorithms=["RS256"])
    assert token.header == {"alg": "RS256", "kid": "signing", "typ": "JWT"}
    assert token.claims == CLAIMS
    assert (
        b"\\u003cb\\u003e\\u0026" in jws.extract_compact(document["access_token"].encode()).payload
    )

    reply = env.request(gw + "/login-remote")
    assert reply.status == 200, reply.body
    full = json.loads(reply.json()["access_token"])
    assert set(full) == {"payload", "protected", "signature"}
    compact = f"{full['protected']}.{full['payload']}.{full['signature']}"
    assert jwt.decode(compact, env.keys.oct, algorithms=["HS256"]).claims == CLAIMS


def test_a_signer_without_its_key_refuses(env: Env) -> None:
    path = write_json(env.folder / "public.json", {"keys": [env.keys.rsa.as_dict(private=False)]})
    signer = {"alg": "RS256", "kid": "rsa", "keys_to_sign": ["t"], "jwk_local_path": path}
    gw = env.gateway(
        [{"endpoint": "/login", "extra_config": {**static({"t": {}}), "auth/signer": signer}}]
    )
    before = env.backend.hits
    assert env.request(gw + "/login").status == 401
    assert env.backend.hits == before


def errors(validator: dict, namespace: str = "auth/validator") -> list[str]:
    config = {
        "endpoints": [
            {
                "endpoint": "/a",
                "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}],
                "extra_config": {namespace: validator},
            }
        ]
    }
    return [f"{p.where}: {p.message}" for p in check_config(config, [module]).errors]


def test_configuration_errors_name_the_field(env: Env) -> None:
    url = {"jwk_url": "https://idp.test/jwks.json"}
    (bad_alg,) = errors({"alg": "RS999", **url})
    assert "auth/validator.alg" in bad_alg and "RS999" in bad_alg
    (missing,) = errors({"alg": "RS256"})
    assert "auth/validator.jwk_url" in missing and "jwk_local_path" in missing
    (roles,) = errors({"alg": "RS256", "roles": {"admin": True}, **url})
    assert "auth/validator.roles" in roles and "list" in roles
    (insecure,) = errors({"alg": "RS256", "jwk_url": "http://idp.test/jwks.json"})
    assert "auth/validator.jwk_url" in insecure and "disable_jwk_security" in insecure
    (scopes,) = errors({"alg": "RS256", "scopes": ["read"], **url})
    assert "auth/validator.scopes_key" in scopes
    (suites,) = errors({"alg": "RS256", "cipher_suites": [1], **url})
    assert "auth/validator.cipher_suites" in suites
    (file,) = errors({"alg": "RS256", "jwk_local_path": str(env.folder / "none.json")})
    assert "auth/validator.jwk_local_path" in file
    (kid,) = errors({"alg": "RS256", "keys_to_sign": ["t"], **url}, "auth/signer")
    assert "auth/signer.kid" in kid and "required" in kid
    assert errors(env.validator(alg="ES256", cache=True, cache_duration=60)) == []
