"""The client's request -> the pipeline's Request, holding only what the endpoint declares."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from propylon.config.model import EndpointConfig
from propylon.config.params import param_key
from propylon.identity import Identity
from propylon.proxy.request import DOT_SEGMENTS, InvalidParamError
from propylon.proxy.types import Headers, Query, Request
from propylon.router.clientip import ClientIPFinder, peer_address
from propylon.router.headers import canonical
from propylon.router.incoming import ServerRequest
from propylon.router.keys import peek_state, state_of

# KrakenD passes Content-Type when an endpoint declares no input_headers.
DEFAULT_INPUT_HEADERS = ["Content-Type"]
# Reads a client's request into the pipeline's (``new_request_reader``).
RequestReader = Callable[[ServerRequest], Awaitable[Request]]
# How long a client may take to send its body when the service sets no read_timeout.
DEFAULT_READ_TIMEOUT = 30.0
# Never a path param: a separator (aiohttp routes an encoded '/' inside one segment, where
# KrakenD's router would have split it) or a control character (KrakenD cannot build the URL).
_NEVER_IN_PARAM = re.compile(r"[/\\\x00-\x1f\x7f]")
# Refused unless router.disable_path_decoding, as KrakenD does: what is still encoded after
# the one decoding a path gets would be decoded again by a backend that decodes twice.
_ENCODED = re.compile(r"[%?#]")


def add_param(request: ServerRequest, name: str, value: str) -> None:
    """A param the pipeline gets beside the route's (``{JWT.sub}`` in a url_pattern)."""
    state = state_of(request)
    if state.params is None:
        state.params = {}
    state.params[name] = value


def set_claims(request: ServerRequest, claims: Mapping[str, Any]) -> None:
    """The claims of the token an authentication module verified: later layers (CEL, Lua,
    ...) read them with ``claims_of``, on the client request or the pipeline's."""
    state_of(request).claims = claims


def claims_of(request: ServerRequest | Request) -> Mapping[str, Any] | None:
    if isinstance(request, Request):
        return request.claims
    state = peek_state(request)
    return None if state is None else state.claims


def add_header(request: ServerRequest, name: str, value: str) -> None:
    """A header sent to the endpoint's backends whatever its ``input_headers`` declare; it
    replaces one of the same name the client sent."""
    state = state_of(request)
    if state.headers is None:
        state.headers = {}
    state.headers[canonical(name)] = [value]


def route_params(request: ServerRequest) -> Mapping[str, str]:
    """The params of the route serving ``request``: the one it was matched to again if a
    router plugin rewrote it, else aiohttp's."""
    state = peek_state(request)
    if state is None or state.route_match is None:
        return request.match_info
    return state.route_match


def new_request_reader(
    endpoint: EndpointConfig,
    identity: Identity,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    path_decoding: bool = True,
    client_ip: ClientIPFinder = peer_address,
) -> RequestReader:
    """The client's request -> the pipeline's: only the headers, query and params the
    endpoint declares, the body read whole."""
    declared = endpoint.input_headers or DEFAULT_INPUT_HEADERS
    all_headers = "*" in declared
    header_names = [(canonical(h), h) for h in declared if h != "*"]
    all_query = "*" in endpoint.input_query_strings
    query_names = [q for q in endpoint.input_query_strings if q != "*"]
    param_names = [(p, param_key(p)) for p in endpoint.params]
    user_agent = [identity.user_agent]

    async def build(request: ServerRequest) -> Request:
        source = request.headers
        headers: Headers = {}
        if all_headers:
            for key, value in source.items():
                headers.setdefault(canonical(key), []).append(value)
            headers.pop("Host", None)
        else:
            for key, name in header_names:
                values = source.getall(name, None)
                if values:
                    headers[key] = values
        remote = request.remote or ""
        headers["X-Forwarded-For"] = [client_ip(request)]
        headers["X-Forwarded-Host"] = [request.host]
        if "User-Agent" in headers:
            headers["X-Forwarded-Via"] = user_agent
        else:
            headers["User-Agent"] = user_agent
        query: Query = {}
        if all_query or query_names:
            args = request.rel_url.query
            if all_query:
                for key in args:
                    query.setdefault(key, args.getall(key))
            else:
                for key in query_names:
                    values = args.getall(key, None)
                    if values:
                        query[key] = values
        match = route_params(request)
        params = {key: match[name] for name, key in param_names}
        for name, key in param_names:
            check_param(name, params[key], path_decoding)
        claims = None
        state = peek_state(request)  # what extensions left on the request (often nothing)
        if state is not None:
            if state.params:
                params.update(state.params)
            if state.headers:
                headers.update(state.headers)
            claims = state.claims
        body = await _read_body(request, read_timeout) if request.body_exists else b""
        return Request(
            request.method, request.path, params, headers, query, body, remote=remote, claims=claims
        )

    return build


async def _read_body(request: ServerRequest, timeout: float) -> bytes:
    """The whole body, or 408 for a client too slow to send it (it would hold a worker)."""
    try:
        async with asyncio.timeout(timeout):
            return await request.read()
    except TimeoutError:
        raise web.HTTPRequestTimeout() from None


def check_param(name: str, value: str, path_decoding: bool = True) -> None:
    """Refuses (400) a client's path param that cannot stay one segment on every backend.

    A dot segment, a separator or a control character is refused rather than encoded: many
    backends decode ``%2E``, ``%2F`` or ``%5C`` before normalising the path, so no encoding
    of them is safe. With ``path_decoding`` (KrakenD's default) what is still percent-encoded,
    ``?`` and ``#`` are refused too.
    """
    if value in DOT_SEGMENTS or _NEVER_IN_PARAM.search(value):
        raise InvalidParamError(f"invalid url param {name!r}")
    if path_decoding and _ENCODED.search(value):
        raise InvalidParamError("error: encoded url params")
