"""How keys are downloaded: cached, refetched for an unknown id at most once per interval,
shared between endpoints, pinned, and failing closed when the identity provider fails."""

from __future__ import annotations

import base64
import socket
import time
import uuid

from joserfc import jwt
from joserfc.jwk import Key, RSAKey
from jwt_servers import Env, JWKServer, write_json
from propylon_jwt.fetch import MIN_REFRESH_INTERVAL


def token(key: Key, kid: str | None = None) -> str:
    now = int(time.time())
    header = {"alg": "RS256", "kid": kid or key.kid}
    return jwt.encode(header, {"sub": "u", "exp": now + 60}, key, algorithms=["RS256"])


def own_jwk_server(env: Env, *keys: Key) -> tuple[JWKServer, str]:
    server = JWKServer({"keys": [k.as_dict(private=False) for k in keys]})
    url = env.start(server.app(), env.tls.server) + "/jwks.json"
    return server, url


def endpoint(env: Env, path: str, url: str, **options: object) -> dict:
    validator = {"alg": "RS256", "jwk_url": url, "jwk_local_ca": str(env.tls.ca), **options}
    return {"endpoint": path, "extra_config": {"auth/validator": validator}}


def test_unknown_kid_is_looked_up_once_then_a_rotated_key_is_learnt(env: Env) -> None:
    old, new = RSAKey.generate_key(2048, {"kid": "old"}), RSAKey.generate_key(2048, {"kid": "new"})
    server, url = own_jwk_server(env, old)
    gw = env.gateway([endpoint(env, "/a", url, cache=True)])
    assert env.request(gw + "/a", token(old)).status == 200
    assert env.request(gw + "/a", token(old)).status == 200
    assert server.hits == 1  # cached

    assert env.request(gw + "/a", token(new)).status == 401
    assert server.hits == 1  # asked again less than the interval after the last download

    server.document = {"keys": [old.as_dict(private=False), new.as_dict(private=False)]}
    time.sleep(MIN_REFRESH_INTERVAL + 0.05)
    assert env.request(gw + "/a", token(new)).status == 200
    assert server.hits == 2
    assert env.request(gw + "/a", token(old, kid="gone")).status == 401
    assert server.hits == 2


def test_made_up_kids_cannot_make_the_gateway_hammer_the_provider(env: Env) -> None:
    key = RSAKey.generate_key(2048, {"kid": "k"})
    server, url = own_jwk_server(env, key)
    gw = env.gateway(
        [endpoint(env, "/a", url, cache=True), endpoint(env, "/b", url), endpoint(env, "/c", url)]
    )
    burst = [(gw + p, token(key, kid=uuid.uuid4().hex)) for p in ("/a", "/b", "/c") * 20]
    assert set(env.requests(burst)) == {401}
    assert server.hits == 1  # one download for 60 requests and 3 endpoints
    assert env.request(gw + "/b", token(key)).status == 200
    assert server.hits == 1


def test_cool_down_refuses_a_missing_kid_without_asking(env: Env) -> None:
    key = RSAKey.generate_key(2048, {"kid": "k"})
    server, url = own_jwk_server(env, key)
    gw = env.gateway([endpoint(env, "/a", url, failed_jwk_key_cooldown="1m")])
    assert env.request(gw + "/a", token(key, kid="x")).status == 401
    time.sleep(MIN_REFRESH_INTERVAL + 0.05)
    assert env.request(gw + "/a", token(key, kid="x")).status == 401
    assert server.hits == 1
    assert env.request(gw + "/a", token(key)).status == 200
    assert server.hits == 2


def test_an_unreachable_or_failing_provider_fails_closed(env: Env) -> None:
    key = RSAKey.generate_key(2048, {"kid": "k"})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"https://127.0.0.1:{s.getsockname()[1]}/jwks.json"
    server, url = own_jwk_server(env, key)
    server.status = 500
    plain = env.start(JWKServer({"keys": [key.as_dict(private=False)]}).app()) + "/jwks.json"
    gw = env.gateway(
        [
            endpoint(env, "/closed", closed),
            endpoint(env, "/failing", url),
            # The JWK server's certificate is not trusted without jwk_local_ca.
            {
                "endpoint": "/untrusted",
                "extra_config": {"auth/validator": {"alg": "RS256", "jwk_url": url}},
            },
            endpoint(
                env, "/pinned", url, jwk_fingerprints=[base64.urlsafe_b64encode(b"x" * 32).decode()]
            ),
            endpoint(env, "/plain", plain, disable_jwk_security=True),
        ]
    )
    before = env.backend.hits
    for path in ("/closed", "/failing", "/untrusted", "/pinned"):
        assert env.request(gw + path, token(key)).status == 401, path
    assert env.backend.hits == before
    assert env.request(gw + "/plain", token(key)).status == 200


def test_pinned_certificate_key_is_accepted(env: Env) -> None:
    key = RSAKey.generate_key(2048, {"kid": "k"})
    _, url = own_jwk_server(env, key)
    pin = base64.urlsafe_b64encode(env.tls.spki_sha256).decode()
    gw = env.gateway([endpoint(env, "/a", url, jwk_fingerprints=[pin])])
    assert env.request(gw + "/a", token(key)).status == 200


def test_shared_cache_serves_every_endpoint_with_cache(env: Env) -> None:
    key = RSAKey.generate_key(2048, {"kid": "k"})
    server, url = own_jwk_server(env, key)
    gw = env.gateway(
        [endpoint(env, "/a", url, cache=True), endpoint(env, "/b", url, cache=True)],
        extra_config={"auth/validator": {"shared_cache_duration": 60}},
    )
    assert env.request(gw + "/a", token(key)).status == 200
    time.sleep(MIN_REFRESH_INTERVAL + 0.05)
    assert env.request(gw + "/b", token(key)).status == 200
    assert server.hits == 1


def test_local_key_file(env: Env) -> None:
    key = RSAKey.generate_key(2048, {"kid": "k"})
    path = write_json(env.folder / "local.json", {"keys": [key.as_dict(private=False)]})
    validator = {"alg": "RS256", "jwk_local_path": path}
    gw = env.gateway([{"endpoint": "/a", "extra_config": {"auth/validator": validator}}])
    assert env.request(gw + "/a", token(key)).status == 200
    assert env.request(gw + "/a", token(key, kid="other")).status == 401
