"""The revocation interface: where an operator revokes, with a bearer secret.

KrakenD exposes its filter on a Go RPC port without authentication; here the same ``port``
serves a small HTTP API, refusing any request without ``Authorization: Bearer <secret>``:

- ``POST /revocations`` with ``{"claim": "jti", "value": "..."}`` or a list of such objects:
  200 ``{"revoked": n}`` (and ``"shared": true`` with Redis); 503 when Redis is unreachable
  (revoked on this gateway, not shared: send it again).
- ``GET /revocations?claim=jti&value=...``: ``{"revoked": true|false}`` (a bloom filter may
  say true for a value never revoked, with probability ``P``).
"""

from __future__ import annotations

import hmac
import logging
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from propylon_revoker.rejecter import claim_text, element
from propylon_revoker.rotating import RotatingFilter

if TYPE_CHECKING:
    from propylon_revoker.store import RedisShare

MAX_BODY = 1 << 20
MAX_ITEMS = 10_000
PATH = "/revocations"


class BadRequest(Exception):
    pass


def _json_error(status: int, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=headers)


def _authorized(request: web.Request, secret: bytes) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # Compared in constant time; never logged.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), secret)


def _elements(document: Any, token_keys: tuple[str, ...]) -> list[bytes]:
    items = document if isinstance(document, list) else [document]
    if not items or len(items) > MAX_ITEMS:
        raise BadRequest(f"send 1 to {MAX_ITEMS} revocations")
    found: list[bytes] = []
    for i, item in enumerate(items):
        where = f"revocation {i}" if isinstance(document, list) else "the revocation"
        if not isinstance(item, dict):
            raise BadRequest(f"{where} must be an object with claim and value")
        claim, value = item.get("claim"), claim_text(item.get("value"))
        if claim not in token_keys:
            raise BadRequest(f"{where}: claim must be one of token_keys {list(token_keys)}")
        if not value:
            raise BadRequest(f"{where}: value must be a non-empty string or an integer")
        found.append(element(claim, value))
    return found


def admin_app(
    secret: str,
    revoked: RotatingFilter,
    token_keys: tuple[str, ...],
    share: RedisShare | None,
    log: logging.Logger,
) -> web.Application:
    key = secret.encode()

    @web.middleware
    async def authenticate(request: web.Request, handler: Any) -> web.StreamResponse:
        if not _authorized(request, key):
            return _json_error(
                401, "a valid bearer secret is required", **{"WWW-Authenticate": "Bearer"}
            )
        return await handler(request)

    async def revoke(request: web.Request) -> web.Response:
        try:
            elements = _elements(await request.json(), token_keys)
        except ValueError:
            return _json_error(400, "the body must be JSON")
        except BadRequest as exc:
            return _json_error(400, str(exc))
        at = time.time()
        for e in elements:
            revoked.add(e, at=at)
        log.info("[SERVICE: auth/revoker] %d value(s) revoked", len(elements))
        if share is None:
            return web.json_response({"revoked": len(elements)})
        from propylon_revoker.store import NotShared  # loaded with ``share``

        try:
            await share.publish(elements, at)
        except NotShared as exc:
            log.warning("[SERVICE: auth/revoker] revoked here only: %s", exc)
            return web.json_response(
                {"revoked": len(elements), "shared": False, "error": f"not shared: {exc}"},
                status=503,
            )
        return web.json_response({"revoked": len(elements), "shared": True})

    async def check(request: web.Request) -> web.Response:
        try:
            (e,) = _elements(
                {"claim": request.query.get("claim"), "value": request.query.get("value")},
                token_keys,
            )
        except BadRequest as exc:
            return _json_error(400, str(exc))
        return web.json_response({"revoked": revoked.contains(e)})

    app = web.Application(middlewares=[authenticate], client_max_size=MAX_BODY)
    app.router.add_post(PATH, revoke)
    app.router.add_get(PATH, check)
    return app
