"""``auth/validator`` in an endpoint: the handler refuses a request without a valid token
(401) or without the roles or scopes it needs (403) before anything reaches a backend; an
accepted one sends the claims it names on, as headers and as ``{JWT.name}`` url params, and
hands all of them to later layers (``set_claims``: CEL's ``JWT`` expressions read them).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from propylon.sdk import (
    Answer,
    EndpointConfig,
    Handler,
    ServerRequest,
    TokenRejecter,
    add_header,
    add_param,
    set_claims,
)

from propylon_jwt.claims import (
    Claims,
    as_text,
    as_values,
    has_role,
    has_scopes,
    lookup,
    url_claim,
)
from propylon_jwt.fetch import FetchError
from propylon_jwt.options import ValidatorOptions
from propylon_jwt.provider import KeyNotFound
from propylon_jwt.token import InvalidToken, Verifier, extract

JWT_PARAM = re.compile(r"\{JWT\.([^{}]+)\}")


def url_claims(endpoint: EndpointConfig) -> list[str]:
    """The claims the endpoint's url_patterns name (``{JWT.sub}`` -> ``sub``)."""
    names: list[str] = []
    for backend in endpoint.backend:
        for name in JWT_PARAM.findall(backend.url_pattern):
            if name not in names:
                names.append(name)
    return names


def validating(
    handle: Handler,
    options: ValidatorOptions,
    verifier: Verifier,
    endpoint: EndpointConfig,
    log: logging.Logger,
    rejecters: Sequence[TokenRejecter] = (),
) -> Handler:
    """``rejecters``: checks other modules add (a revocation list); read as each request
    comes, True refuses the verified token (401), as krakend-jose's rejecter."""
    prefix = f"[ENDPOINT: {endpoint.endpoint}][JWTValidator]"
    debug = options.operation_debug
    params = url_claims(endpoint)
    propagated = [(pair[0], pair[1]) for pair in options.propagate_claims]
    preserve = options.propagate_claims_preserve_array
    match_all = options.scopes_matcher == "all"

    def refuse(status: int, why: object) -> Answer:
        if debug:
            log.error("%s %s", prefix, why)
        return Answer(status)

    def send_on(request: ServerRequest, claims: Claims) -> None:
        for claim, header in propagated:
            present, value = lookup(claim, claims)
            if preserve:
                # Several values of one header are one comma-separated value in HTTP.
                add_header(request, header, ", ".join(as_values(value, present)))
            else:
                add_header(request, header, as_text(value) if present else "")
        for name in params:
            present, value = url_claim(name, claims)
            if present:
                add_param(request, f"JWT.{name}", as_text(value))

    async def validate(request: ServerRequest) -> Answer:
        token = extract(request, options.auth_header_name, options.cookie_key)
        if token is None:
            return refuse(401, "no token in the request")
        try:
            claims = await verifier.verify(token)
        except (InvalidToken, KeyNotFound, FetchError) as exc:
            return refuse(401, f"unable to validate the token: {exc}")
        if any(reject(claims) for reject in rejecters):
            return refuse(401, "the token was rejected")
        if not has_role(claims, options.roles_key, options.roles_key_is_nested, options.roles):
            return refuse(403, "the token does not have sufficient roles")
        if not has_scopes(claims, options.scopes_key, options.scopes, match_all):
            return refuse(403, "the token does not have the required scopes")
        set_claims(request, claims)
        send_on(request, claims)
        return await handle(request)

    return validate
