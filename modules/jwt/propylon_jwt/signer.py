"""``auth/signer``: a login endpoint's response with the objects named by ``keys_to_sign``
replaced by tokens signed with the configured key, after the backends answer.

The claims are serialised as KrakenD serialises them (keys sorted, no spaces, ``<``, ``>``
and ``&`` escaped), so a signer configured alike produces the same token. The response is
written as KrakenD's signer writes it: no ``Cache-Control`` (a fresh token is never to be
cached) and no completed header. A failing backend or signature gives 400, a key that cannot
be loaded 401, as there.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import Key
from propylon.sdk import Answer, Handler, Proxy, ProxyError, Request, Response, ServerRequest

from propylon_jwt.algorithms import SingleAlgorithm
from propylon_jwt.options import SignerOptions

KeyLoader = Callable[[], Awaitable[Key]]
_GO_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


class SigningError(ProxyError):
    status_code = 400


class SigningKeyError(ProxyError):
    status_code = 401


def go_json(value: Any) -> bytes:
    """``value`` as Go's ``json.Marshal`` writes a decoded JSON document."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.translate(_GO_ESCAPES).encode("utf-8")


class TokenSigner:
    def __init__(self, options: SignerOptions) -> None:
        self._alg = options.alg
        self._typ = options.typ or "JWT"
        self._full = options.full
        self._registry = SingleAlgorithm(options.alg)

    def sign(self, claims: dict[str, Any], key: Key) -> str:
        header = {"alg": self._alg, "kid": str(key.get("kid") or ""), "typ": self._typ}
        try:
            token = jws.serialize_compact(header, go_json(claims), key, registry=self._registry)
        except (JoseError, ValueError, TypeError) as exc:
            raise SigningError(f"unable to sign payload: {exc}") from None
        if not self._full:
            return token
        protected, payload, signature = token.split(".")
        document = {"payload": payload, "protected": protected, "signature": signature}
        return json.dumps(document, separators=(",", ":"))


def signing(proxy: Proxy, options: SignerOptions, load_key: KeyLoader) -> Proxy:
    signer = TokenSigner(options)
    names = options.keys_to_sign

    async def sign(request: Request) -> Response:
        try:
            key = await load_key()
        except Exception as exc:
            raise SigningKeyError(f"unable to load the signing key: {exc}") from None
        try:
            response = await proxy(request)
        except Exception as exc:
            raise SigningError(f"proxy response: {exc}") from exc
        if response.error is not None:
            raise SigningError(f"proxy response: {response.error}") from response.error
        for name in names:
            value = response.data.get(name)
            if isinstance(value, dict):
                response.data[name] = signer.sign(value, key)
        return response

    return sign


def uncached(handle: Handler, completed_header: str) -> Handler:
    async def respond(request: ServerRequest) -> Answer:
        answer = await handle(request)
        answer.remove("Cache-Control")
        answer.remove(completed_header)
        return answer

    return respond
