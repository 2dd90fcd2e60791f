"""``JWT`` expressions: the claims of the request's token, once ``auth/validator`` accepted it.

KrakenD evaluates them inside the JWT validator, as a rejecter it consults right after the
signature and claims are verified: a token they reject gets 401 and an empty body. Here the
check is a handler placed just inside the validator's (``HANDLER_ORDER``): it runs only for
requests whose token the validator accepted, and reads that token's claims again from the
same header or cookie, with the validator's own rule. Without ``auth/validator`` on the
endpoint there are no verified claims, and every request is refused.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

from aiohttp import web
from propylon.sdk import EndpointConfig, Handler

from propylon_cel.evaluate import Evaluator
from propylon_cel.expression import JWT

# Just inside auth/validator (300): after the token is verified, before anything else.
HANDLER_ORDER = 290
VALIDATOR = "auth/validator"
BEARER = "bearer "


def token_of(request: web.Request, header: str, cookie: str) -> str | None:
    """The token the validator verified: in ``header`` (``Bearer`` optional), else in the
    cookie; a header that is present is used even when it holds no token."""
    raw = request.headers.get(header, "")
    if len(raw) > len(BEARER) and raw[: len(BEARER)].lower() == BEARER:
        raw = raw[len(BEARER) :]
    if raw:
        return raw
    return request.cookies.get(cookie) or None


def claims_of(token: str) -> dict[str, Any] | None:
    """The payload of a compact JWS, as the validator read it; None if it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (binascii.Error, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


def checking_claims(
    handle: Handler, evaluator: Evaluator, endpoint: EndpointConfig, log: logging.Logger
) -> Handler:
    validator = endpoint.options.get(VALIDATOR)
    prefix = f"[ENDPOINT: {endpoint.endpoint}][CEL]"
    if validator is None:
        log.error("%s JWT expressions without %s: every request is refused", prefix, VALIDATOR)

        async def refuse(request: web.Request) -> web.StreamResponse:
            return web.Response(status=401)

        return refuse
    header = getattr(validator, "auth_header_name", "Authorization")
    cookie = getattr(validator, "cookie_key", "access_token")

    async def check(request: web.Request) -> web.StreamResponse:
        token = token_of(request, header, cookie)
        claims = claims_of(token) if token else None
        if claims is None or evaluator.first_failing({JWT: claims}) is not None:
            return web.Response(status=401)
        return await handle(request)

    return check
