"""What the revoker's tests share: tokens signed with joserfc, gateway configurations and the
revocation interface's requests; gateway processes are ``GatewayProcess`` (``propylon run``)
with the interface's secret in their environment. Imported by the tests as a plain module (its
name is unique among the test folders collected together).
"""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import OctKey
from propylon.sdk.testing import Reply, free_port, send

LOOPBACK = "127.0.0.1"
SECRET = "s3cret-for-the-revocation-interface"
SECRET_ENV = "PROPYLON_REVOKER_SECRET"


class Tokens:
    """An HS256 key in a JWK file (for ``jwk_local_path``) and tokens signed with it."""

    def __init__(self, folder: Path) -> None:
        self.key = OctKey.generate_key(256, {"kid": "revoker-test"})
        self.path = folder / "keys.json"
        self.path.write_text(json.dumps({"keys": [self.key.as_dict(private=True)]}), "utf-8")

    def sign(self, **claims: Any) -> str:
        now = int(time.time())
        body = {"sub": "user-1", "iat": now, "exp": now + 300, **claims}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            return jwt.encode({"alg": "HS256", "kid": self.key.kid}, body, self.key)


def revoker(**options: Any) -> dict[str, Any]:
    """An ``auth/revoker`` block: KrakenD's required fields, then ``options``."""
    base = {"N": 10000, "P": 1e-7, "hash_name": "optimal", "TTL": 300, "port": free_port()}
    return {**base, "token_keys": ["jti", "sub"], **options}


def gateway_config(backend: str, tokens: Tokens, revoked: dict[str, Any]) -> dict[str, Any]:
    """One endpoint behind the JWT validator, the service's ``auth/revoker`` = ``revoked``."""
    return {
        "version": 3,
        "extra_config": {"auth/revoker": revoked},
        "endpoints": [
            {
                "endpoint": "/private",
                "backend": [{"host": [backend], "url_pattern": "/echo"}],
                "extra_config": {
                    "auth/validator": {"alg": "HS256", "jwk_local_path": str(tokens.path)}
                },
            }
        ],
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def revoke(port: int, claim: str, value: str, secret: str = SECRET) -> Reply:
    body = json.dumps({"claim": claim, "value": value})
    return send("POST", f"http://{LOOPBACK}:{port}/revocations", bearer(secret), body)
