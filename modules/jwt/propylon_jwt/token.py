"""A token taken from a request and verified: signature by joserfc, then the registered claims
as go-jose checks them (issuer, every configured audience, expiry, not-before, issued-at,
each within the leeway).

A client sends its token with every request, and checking a signature costs more than the
rest of a request, so tokens verified lately are remembered by their exact text (per worker,
``VERIFIED`` of them at most). Remembering skips only the signature: each request still asks
the key provider for the token's key, and the token is verified again unless the provider
still holds the very key it was verified with (so a rotated or removed key is noticed as
without it), and the claims (expiry above all) are checked every time.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import Key
from propylon.sdk import ServerRequest

from propylon_jwt.algorithms import SingleAlgorithm
from propylon_jwt.claims import Claims
from propylon_jwt.keys import Strategy, token_key_id
from propylon_jwt.provider import KeyProvider

BEARER = "bearer "
VERIFIED = 1024
# Registered claims and the JSON types go-jose reads them into.
_STRINGS = ("iss", "sub", "jti")
_DATES = ("exp", "nbf", "iat")


class InvalidToken(Exception):
    """Why a token is refused (401); logged only with operation_debug."""


def extract(request: ServerRequest, header: str, cookie: str) -> str | None:
    """The token of a request: in ``header`` (``Bearer`` optional), else in the cookie.
    A header that is present is used even when it holds no token, as KrakenD does."""
    raw = request.headers.get(header, "")
    if len(raw) > len(BEARER) and raw[: len(BEARER)].lower() == BEARER:
        raw = raw[len(BEARER) :]
    if raw:
        return raw
    return request.cookies.get(cookie) or None


class _Verified:
    __slots__ = ("claims", "key", "key_id")

    def __init__(self, key_id: str, key: Key, claims: Claims) -> None:
        self.key_id = key_id
        self.key = key
        self.claims = claims


class Verifier:
    def __init__(
        self,
        alg: str,
        keys: KeyProvider,
        strategy: Strategy,
        issuer: str,
        audience: Sequence[str],
        leeway: float,
    ) -> None:
        self._alg = alg
        self._registry = SingleAlgorithm(alg)
        self._keys = keys
        self._strategy = strategy
        self._issuer = issuer
        self._audience = tuple(audience)
        self._leeway = max(1.0, leeway)  # KrakenD's floor
        self._verified: dict[str, _Verified] = {}

    async def verify(self, token: str) -> Claims:
        """The claims of ``token``; raises ``InvalidToken`` or the key provider's error."""
        known = self._verified.pop(token, None)
        if known is not None and await self._keys.key(known.key_id) is known.key:
            self._check_claims(known.claims)
            self._verified[token] = known  # the most recent last
            return dict(known.claims)
        claims, key_id, key = await self._verify(token)
        verified = self._verified
        if len(verified) >= VERIFIED:
            del verified[next(iter(verified))]
        verified[token] = _Verified(key_id, key, claims)
        return dict(claims)

    async def _verify(self, token: str) -> tuple[Claims, str, Key]:
        try:
            obj = jws.extract_compact(token.encode("ascii"), registry=self._registry)
        except (JoseError, ValueError, UnicodeEncodeError, RecursionError) as exc:
            # RecursionError: JSON nested deeper than the parser goes, before any signature.
            raise InvalidToken(f"malformed token: {exc}") from None
        header = obj.headers()
        if header.get("alg") != self._alg:
            raise InvalidToken(f"algorithm {header.get('alg')!r} is not {self._alg}")
        if "b64" in header:
            raise InvalidToken("unencoded payloads are not tokens")
        key_id = token_key_id(header, self._strategy)
        key = await self._keys.key(key_id)
        try:
            key.check_alg(self._alg)
            valid = jws.validate_compact(obj, key, registry=self._registry)
        except (JoseError, ValueError, TypeError) as exc:
            raise InvalidToken(f"key does not fit: {exc}") from None
        if not valid:
            raise InvalidToken("bad signature")
        try:
            claims = json.loads(obj.payload)
        except (ValueError, RecursionError):
            raise InvalidToken("the payload is not JSON") from None
        if not isinstance(claims, dict):
            raise InvalidToken("the payload is not a JSON object")
        self._check_claims(claims)
        return claims, key_id, key

    def _check_claims(self, claims: dict[str, Any]) -> None:
        for name in _STRINGS:
            if name in claims and not isinstance(claims[name], str | None):
                raise InvalidToken(f"claim {name!r} is not a string")
        for name in _DATES:
            value = claims.get(name)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)  # JSON's 1e400 is infinite, NaN is read too
            ):
                raise InvalidToken(f"claim {name!r} is not a date")
        audience = claims.get("aud")
        if isinstance(audience, str):
            audience = [audience]
        elif audience is None:
            audience = []
        elif not isinstance(audience, list) or not all(isinstance(a, str) for a in audience):
            raise InvalidToken("claim 'aud' is not a string or a list of strings")
        if self._issuer and claims.get("iss") != self._issuer:
            raise InvalidToken("invalid issuer")
        if any(a not in audience for a in self._audience):
            raise InvalidToken("invalid audience")
        now = time.time()
        if claims.get("nbf") is not None and now + self._leeway < int(claims["nbf"]):
            raise InvalidToken("token not valid yet")
        if claims.get("exp") is not None and now - self._leeway > int(claims["exp"]):
            raise InvalidToken("token is expired")
        if claims.get("iat") is not None and now + self._leeway < int(claims["iat"]):
            raise InvalidToken("token issued in the future")
