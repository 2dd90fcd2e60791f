"""Attacks on auth/validator through a real gateway process (the module loaded from its entry
point), its keys downloaded over HTTPS from a server whose certificate a private CA signs.
Each forged, stale or misplaced token is refused (401, or 403 for roles) and the recording
backend behind the gateway sees nothing; a valid token reaches it. Rotated keys are learnt
with one download, and a flood of unknown key ids downloads at most once a second.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import Key, RSAKey
from jwt_servers import Env, JWKServer
from propylon.sdk.testing import GatewayProcess, RecordingBackend, Reply, send
from propylon_jwt.fetch import MIN_REFRESH_INTERVAL

ISSUER = "https://issuer.test"
AUDIENCE = "api://test"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64json(document: Any) -> str:
    return b64(json.dumps(document).encode())


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "iat": now, "exp": now + 300}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def sign(key: Key, alg: str = "RS256", kid: str | None = None, **changes: Any) -> str:
    header = {"alg": alg, "kid": kid or key.kid}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.encode(header, claims(**changes), key, algorithms=[alg])


def sign_raw(key: RSAKey, payload: bytes, header: dict[str, Any] | None = None) -> str:
    """A correct RS256 signature over any header and payload bytes (JSON or not), made with
    ``cryptography`` so that nothing checks what is signed."""
    head = b64json(header or {"alg": "RS256", "kid": key.kid})
    signing_input = f"{head}.{b64(payload)}".encode()
    signature = key.private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input.decode()}.{b64(signature)}"


def hs256(secret: bytes, header: dict[str, Any], body: dict[str, Any]) -> str:
    """An HS256 token made by hand, so any bytes can be the secret."""
    signing_input = f"{b64json(header)}.{b64json(body)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(mac)}"


def flip(token: str, segment: int) -> str:
    """``token`` with one byte of a segment's decoded bytes changed."""
    parts = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(parts[segment] + "=" * (-len(parts[segment]) % 4)))
    raw[len(raw) // 2] ^= 0x01
    parts[segment] = b64(bytes(raw))
    return ".".join(parts)


@dataclass
class Target:
    gateway: GatewayProcess
    backend: RecordingBackend
    rotating: JWKServer
    first: Key
    attacker_jwk: JWKServer
    attacker_jwk_url: str

    def get(self, path: str, token: str | None = None, **headers: str) -> Reply:
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return send("GET", self.gateway.url + path, headers)


@pytest.fixture(scope="module")
def target(env: Env, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    backend = RecordingBackend()
    backend_url = env.servers.start(backend.app())
    first = RSAKey.generate_key(2048, {"kid": "first"})
    rotating = JWKServer({"keys": [first.as_dict(private=False)]})
    rotating_url = env.start(rotating.app(), env.tls.server) + "/jwks.json"
    attacker = RSAKey.generate_key(2048, {"kid": "rsa"})
    attacker_jwk = JWKServer({"keys": [attacker.as_dict(private=False)]})
    attacker_url = env.start(attacker_jwk.app(), env.tls.server) + "/jwks.json"
    checks = {"issuer": ISSUER, "audience": [AUDIENCE], "cache": True, "operation_debug": True}

    def endpoint(path: str, **validator: Any) -> dict[str, Any]:
        return {
            "endpoint": path,
            "backend": [{"host": [backend_url], "url_pattern": "/echo"}],
            "extra_config": {"auth/validator": env.validator(**validator)},
        }

    config = {
        "endpoints": [
            endpoint("/rs", alg="RS256", **checks),
            endpoint("/hs", alg="HS256", **checks),
            endpoint("/es", alg="ES256", **checks),
            endpoint("/admin", alg="RS256", roles=["admin"], **checks),
            endpoint("/rotating", alg="RS256", jwk_url=rotating_url, cache=True),
        ]
    }
    gateway = GatewayProcess(
        {"version": 3, **config},
        env={"PROPYLON_COMPAT": ""},
        folder=tmp_path_factory.mktemp("jwt-attacks"),
    ).start()
    try:
        yield Target(gateway, backend, rotating, first, attacker_jwk, attacker_url)
    finally:
        gateway.stop()


def refused(target: Target, path: str, cases: dict[str, dict[str, str]], status: int) -> None:
    """Each case's headers get ``status`` with an empty body; the backend sees none of them."""
    before = target.backend.hits
    wrong = {}
    for name, headers in cases.items():
        reply = send("GET", target.gateway.url + path, headers)
        if reply.status != status or reply.body:
            wrong[name] = (reply.status, reply.body[:80])
    assert wrong == {}
    assert target.backend.hits == before
    assert target.gateway.alive()
    assert "Traceback" not in target.gateway.log()


def bearer(cases: dict[str, str]) -> dict[str, dict[str, str]]:
    return {name: {"Authorization": f"Bearer {token}"} for name, token in cases.items()}


def test_a_valid_token_reaches_the_backend(env: Env, target: Target) -> None:
    before = target.backend.hits
    assert target.get("/rs", sign(env.keys.rsa)).status == 200
    assert target.get("/hs", sign(env.keys.oct, "HS256")).status == 200
    assert target.get("/es", sign(env.keys.ec, "ES256")).status == 200
    assert target.get("/admin", sign(env.keys.rsa, roles=["admin"])).status == 200
    assert target.backend.hits == before + 4
    assert target.backend.requests[-1].path == "/echo"


def test_alg_none_is_refused(env: Env, target: Target) -> None:
    valid = sign(env.keys.rsa)
    _, payload, signature = valid.split(".")
    cases = {}
    for alg in ("none", "None", "NONE", "nOnE"):
        head = b64json({"alg": alg, "kid": "rsa", "typ": "JWT"})
        cases[f"{alg}, empty signature"] = f"{head}.{payload}."
        cases[f"{alg}, a real signature"] = f"{head}.{payload}.{signature}"
    cases["no alg"] = f"{b64json({'kid': 'rsa'})}.{payload}.{signature}"
    cases["alg null"] = f"{b64json({'alg': None, 'kid': 'rsa'})}.{payload}."
    refused(target, "/rs", bearer(cases), 401)
    refused(target, "/hs", bearer(cases), 401)


def test_hs256_signed_with_the_rsa_public_key_is_refused(env: Env, target: Target) -> None:
    """Algorithm confusion: the public key as the HMAC secret, on an RS256 endpoint and on an
    HS256 one whose key set also holds that RSA key."""
    rsa = env.keys.rsa
    public = rsa.as_dict(private=False)
    secrets = {
        "PEM": rsa.as_pem(private=False),
        "PEM without newline": rsa.as_pem(private=False).rstrip(b"\n"),
        "PKCS1 PEM": rsa.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
        ),
        "DER": rsa.public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "JWK n": public["n"].encode(),
        "JWK n decoded": base64.urlsafe_b64decode(public["n"] + "=" * (-len(public["n"]) % 4)),
        "JWK as JSON": json.dumps(public).encode(),
    }
    cases = {
        f"{name}, kid {kid}": hs256(secret, {"alg": "HS256", "kid": kid}, claims())
        for name, secret in secrets.items()
        for kid in ("rsa", "oct")
    }
    refused(target, "/rs", bearer(cases), 401)
    refused(target, "/hs", bearer(cases), 401)


def test_stale_and_misdirected_tokens_are_refused(env: Env, target: Target) -> None:
    rsa = env.keys.rsa
    now = int(time.time())
    cases = {
        "expired": sign(rsa, exp=now - 60),
        "expired long ago": sign(rsa, iat=now - 7200, exp=now - 3600),
        "not valid yet": sign(rsa, nbf=now + 60),
        "issued in the future": sign(rsa, iat=now + 60),
        "wrong issuer": sign(rsa, iss="https://evil.test"),
        "issuer with a suffix": sign(rsa, iss=ISSUER + ".evil"),
        "no issuer": sign(rsa, iss=None),
        "wrong audience": sign(rsa, aud="api://other"),
        "audience in a list of others": sign(rsa, aud=["api://other", "api://test2"]),
        "no audience": sign(rsa, aud=None),
        "expiry as a string": sign(rsa, exp=str(now + 300)),
    }
    refused(target, "/rs", bearer(cases), 401)


def test_bad_signatures_and_unknown_keys_are_refused(env: Env, target: Target) -> None:
    rsa = env.keys.rsa
    valid = sign(rsa)
    head, _, signature = valid.split(".")
    other = RSAKey.generate_key(2048, {"kid": "ghost"})
    cases = {
        "signature byte flipped": flip(valid, 2),
        "payload byte flipped": flip(valid, 1),
        "payload swapped": f"{head}.{b64json(claims(sub='admin'))}.{signature}",
        "signature cut": valid[:-4],
        "no signature": f"{head}.{valid.split('.')[1]}.",
        "unknown kid": sign(other),
        "kid of the set, another key": sign(other, kid="rsa"),
        "no kid": sign_raw(rsa, json.dumps(claims()).encode(), {"alg": "RS256"}),
        "kid of an EC key": sign(rsa, kid="ec"),
        "kid as a path": sign(rsa, kid="../../etc/passwd"),
        "kid not a string": sign_raw(
            rsa, json.dumps(claims()).encode(), {"alg": "RS256", "kid": 7}
        ),
    }
    refused(target, "/rs", bearer(cases), 401)
    # ECDSA signatures of zeros (r = s = 0) verify nothing.
    head, payload, _ = sign(env.keys.ec, "ES256").split(".")
    zeros = {"r = s = 0": f"{head}.{payload}.{b64(bytes(64))}"}
    refused(target, "/es", bearer(zeros), 401)


def test_keys_the_token_carries_are_not_trusted(env: Env, target: Target) -> None:
    """A token naming its own key (``jwk``) or key set (``jku``, ``x5u``) is verified against
    the configured set only: the attacker's set is never downloaded."""
    attacker = RSAKey.generate_key(2048, {"kid": "rsa"})
    body = json.dumps(claims()).encode()
    embedded = {"alg": "RS256", "kid": "rsa", "jwk": attacker.as_dict(private=False)}
    remote = {"alg": "RS256", "kid": "rsa", "jku": target.attacker_jwk_url}
    x5u = {"alg": "RS256", "kid": "rsa", "x5u": target.attacker_jwk_url}
    cases = {
        "embedded jwk": sign_raw(attacker, body, embedded),
        "jku": sign_raw(attacker, body, remote),
        "x5u": sign_raw(attacker, body, x5u),
    }
    refused(target, "/rs", bearer(cases), 401)
    assert target.attacker_jwk.hits == 0


def test_malformed_tokens_are_refused(env: Env, target: Target) -> None:
    rsa = env.keys.rsa
    valid = sign(rsa)
    head, payload, signature = valid.split(".")
    cases = {
        "garbage": "garbage",
        "two segments": f"{head}.{payload}",
        "four segments": f"{valid}.{signature}",
        "empty segments": "..",
        "bad base64": "!!!.@@@.###",
        "bad base64 in the header": f"{head}%%.{payload}.{signature}",
        "base64 padding": f"{head}==.{payload}.{signature}",
        "header not JSON": f"{b64(b'{alg: RS256')}.{payload}.{signature}",
        "header a list": f"{b64json(['RS256'])}.{payload}.{signature}",
        "header a string": f"{b64json('RS256')}.{payload}.{signature}",
        "header null": f"{b64json(None)}.{payload}.{signature}",
        "payload a list": sign_raw(rsa, b'["admin"]'),
        "payload a string": sign_raw(rsa, b'"admin"'),
        "payload a number": sign_raw(rsa, b"42"),
        "payload null": sign_raw(rsa, b"null"),
        "payload not JSON": sign_raw(rsa, b"sub=admin"),
        "payload not UTF-8": sign_raw(rsa, b'{"sub": "\xff"}'),
        "payload with duplicate claims": sign_raw(
            rsa, json.dumps(claims()).encode()[:-1] + b', "exp": 1}'
        ),
        "non-ASCII": "\u00e9.\u00e9.\u00e9",
        "whitespace inside": f"{head}. {payload}.{signature}",
        "large header": f"{b64json({'alg': 'RS256', 'kid': 'rsa', 'x': 'a' * 4000})}.{payload}.x",
    }
    refused(target, "/rs", bearer(cases), 401)
    # Larger than an HTTP header line may be: the server refuses it before the validator.
    huge = f"{b64json({'alg': 'RS256', 'x': 'a' * 8000})}.{payload}.{signature}"
    before = target.backend.hits
    assert target.get("/rs", huge).status == 431
    assert target.backend.hits == before


def test_hostile_json_is_refused(env: Env, target: Target) -> None:
    """JSON that breaks parsers or arithmetic: nesting deeper than the parser's recursion
    limit (in the header, read before any signature check; in a signed payload), dates that
    are infinite or not numbers, and critical header extensions nobody understands."""
    rsa = env.keys.rsa
    _, payload, signature = sign(rsa).split(".")
    deep = b"[" * 2000 + b"]" * 2000
    deep_member = b'{"alg": "RS256", "x": ' + deep + b"}"
    body = json.dumps(claims()).encode()[:-1]
    cases = {
        "header nested deeply": f"{b64(deep)}.{payload}.{signature}",
        "header member nested deeply": f"{b64(deep_member)}.{payload}.{signature}",
        "payload nested deeply": sign_raw(rsa, b'{"sub": ' + deep + b"}"),
        "expiry infinite": sign_raw(rsa, body + b', "exp": 1e400}'),
        "expiry minus infinity": sign_raw(rsa, body + b', "exp": -1e400}'),
        "not before NaN": sign_raw(rsa, body + b', "nbf": NaN}'),
        "issued at NaN": sign_raw(rsa, body + b', "iat": NaN}'),
        "crit unknown": sign_raw(rsa, body + b"}", {"alg": "RS256", "kid": "rsa", "crit": ["x"]}),
        "crit a claim": sign_raw(
            rsa, body + b"}", {"alg": "RS256", "kid": "rsa", "crit": ["exp"], "exp": 1}
        ),
        "crit unencoded payload": sign_raw(
            rsa, body + b"}", {"alg": "RS256", "kid": "rsa", "crit": ["b64"], "b64": False}
        ),
    }
    refused(target, "/rs", bearer(cases), 401)


def test_tokens_in_the_wrong_place_are_refused(env: Env, target: Target) -> None:
    valid = sign(env.keys.rsa)
    basic = base64.b64encode(f"user:{valid}".encode()).decode()
    headers = {
        "no token": {},
        "empty Authorization": {"Authorization": ""},
        "Bearer and nothing": {"Authorization": "Bearer "},
        "Authorization: Basic token": {"Authorization": f"Basic {valid}"},
        "Authorization: Basic user:token": {"Authorization": f"Basic {basic}"},
        "Bearer twice": {"Authorization": f"Bearer Bearer {valid}"},
        "two bearer tokens": {"Authorization": f"Bearer {valid}, Bearer {valid}"},
        "token then Bearer": {"Authorization": f"{valid} Bearer"},
        "X-Authorization": {"X-Authorization": f"Bearer {valid}"},
        "X-Access-Token": {"X-Access-Token": valid},
        "Proxy-Authorization": {"Proxy-Authorization": f"Bearer {valid}"},
        "another cookie": {"Cookie": f"token={valid}; jwt={valid}"},
        "a bad header hides a good cookie": {
            "Authorization": "Bearer garbage",
            "Cookie": f"access_token={valid}",
        },
    }
    refused(target, "/rs", headers, 401)
    for query in ("access_token", "token", "jwt", "Authorization"):
        refused(target, f"/rs?{query}={valid}", {"query " + query: {}}, 401)


def test_missing_roles_get_403(env: Env, target: Target) -> None:
    rsa = env.keys.rsa
    cases = {
        "no roles": sign(rsa),
        "other roles": sign(rsa, roles=["user", "editor"]),
        "empty roles": sign(rsa, roles=[]),
        "a longer name": sign(rsa, roles="administrator"),
        "another case": sign(rsa, roles=["Admin"]),
        "roles an object": sign(rsa, roles={"admin": True}),
        "roles a number": sign(rsa, roles=1),
        "roles nested": sign(rsa, roles=[["admin"]]),
        "another claim": sign(rsa, role="admin", scope="admin"),
        "nested elsewhere": sign(rsa, realm_access={"roles": ["admin"]}),
    }
    refused(target, "/admin", bearer(cases), 403)
    # Authentication comes first: an invalid token with the role is a 401.
    stale = {"expired admin": sign(rsa, roles=["admin"], exp=int(time.time()) - 60)}
    refused(target, "/admin", bearer(stale), 401)


def test_refusals_never_log_a_token(env: Env, target: Target) -> None:
    """operation_debug logs why each token was refused, never the token or its parts."""
    valid = sign(env.keys.rsa, exp=int(time.time()) - 60)
    assert target.get("/rs", valid).status == 401
    assert target.get("/rs", flip(valid, 2)).status == 401
    log = target.gateway.log()
    assert "token is expired" in log
    for part in valid.split(".")[1:]:
        assert part[:24] not in log


def wait_for_refresh_interval(since: float) -> None:
    time.sleep(max(0.0, since + MIN_REFRESH_INTERVAL + 0.05 - time.monotonic()))


def test_a_rotated_key_is_learnt_with_one_download(target: Target) -> None:
    jwk = target.rotating
    before = jwk.hits
    assert target.get("/rotating", sign(target.first)).status == 200
    answered = time.monotonic()
    assert jwk.hits <= before + 1  # none if an earlier test had the set downloaded
    hits = jwk.hits
    assert target.get("/rotating", sign(target.first)).status == 200
    assert jwk.hits == hits  # cached

    second = RSAKey.generate_key(2048, {"kid": "second"})
    jwk.document = {"keys": [target.first.as_dict(private=False), second.as_dict(private=False)]}
    wait_for_refresh_interval(answered)
    assert target.get("/rotating", sign(second)).status == 200
    assert jwk.hits == hits + 1
    assert target.get("/rotating", sign(second)).status == 200
    assert target.get("/rotating", sign(target.first)).status == 200
    assert jwk.hits == hits + 1


def flood(target: Target, tokens: list[str], pace: float = 0.0) -> tuple[int, float]:
    """Sends ``tokens`` to /rotating from 10 threads, one every ``pace`` seconds; each must
    get 401 without reaching the backend. Returns the downloads made and the time taken."""
    hits, backend_hits = target.rotating.hits, target.backend.hits
    started = time.monotonic()

    def attack(i_token: tuple[int, str]) -> int:
        time.sleep(max(0.0, started + i_token[0] * pace - time.monotonic()))
        return target.get("/rotating", i_token[1]).status

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(attack, enumerate(tokens)))
    elapsed = time.monotonic() - started
    assert statuses == [401] * len(tokens)
    assert target.backend.hits == backend_hits
    return target.rotating.hits - hits, elapsed


def test_a_flood_of_unknown_key_ids_downloads_at_most_once_a_second(
    env: Env, target: Target
) -> None:
    """The README's bound: a download starts at most once a second whoever asks, so requests
    spread over ``t`` seconds cause at most ``floor(t) + 1`` downloads: one for 50 at once,
    two or three for 50 spread over 2.5 s."""
    time.sleep(MIN_REFRESH_INTERVAL + 0.05)  # the previous download is more than 1 s old
    burst = [sign(env.keys.rsa, kid=f"ghost-{i}") for i in range(50)]
    downloads, elapsed = flood(target, burst)
    assert 1 <= downloads <= math.floor(elapsed / MIN_REFRESH_INTERVAL) + 1, (downloads, elapsed)

    time.sleep(MIN_REFRESH_INTERVAL + 0.05)
    spread = [sign(env.keys.rsa, kid=f"phantom-{i}") for i in range(50)]
    downloads, elapsed = flood(target, spread, pace=0.05)
    assert elapsed >= 2.45
    assert 2 <= downloads <= math.floor(elapsed / MIN_REFRESH_INTERVAL) + 1, (downloads, elapsed)

    # The known key still works, from the cache.
    hits = target.rotating.hits
    assert target.get("/rotating", sign(target.first)).status == 200
    assert target.rotating.hits == hits
