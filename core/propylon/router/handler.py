"""The endpoint handler: builds the Request, runs the endpoint's proxy, answers the Response.

A handler answers an ``Answer`` for a ``ServerRequest``: the same handler, with whatever
modules wrapped around it, serves aiohttp's requests (``served``) and the lean lane's.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from propylon.config.model import EndpointConfig
from propylon.identity import Identity
from propylon.proxy.errors import MergedError, status_of
from propylon.proxy.types import Headers, Proxy, Response
from propylon.render import get_renderer
from propylon.router.answer import Answer, web_response
from propylon.router.clientip import ClientIPFinder, peer_address
from propylon.router.incoming import ServerRequest
from propylon.router.lean import lean_handler
from propylon.router.request import DEFAULT_READ_TIMEOUT, new_request_reader

Handler = Callable[[ServerRequest], Awaitable[Answer]]
AioHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TEXT = "text/plain; charset=utf-8"


def new_endpoint_handler(
    endpoint: EndpointConfig,
    proxy: Proxy,
    identity: Identity,
    return_error_msg: bool,
    log: logging.Logger,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    path_decoding: bool = True,
    client_ip: ClientIPFinder = peer_address,
) -> Handler:
    read_request = new_request_reader(endpoint, identity, read_timeout, path_decoding, client_ip)
    no_op = endpoint.output_encoding == "no-op"
    render = get_renderer(endpoint.output_encoding)
    cache_control = f"public, max-age={int(endpoint.cache_ttl)}" if endpoint.cache_ttl else ""
    gateway_header, gateway_value = identity.header_name, identity.header_value
    completed = identity.completed_header
    prefix = f"[ENDPOINT: {endpoint.endpoint}]"

    def fail(exc: BaseException) -> Answer:
        _log_error(log, prefix, exc)
        headers = [(gateway_header, gateway_value), (completed, "false")]
        body = b""
        if return_error_msg:
            body = str(exc).encode()
            headers.append(("Content-Type", getattr(exc, "content_type", "") or TEXT))
        return Answer(status_of(exc), headers, body)

    def respond(response: Response, accept: str) -> Answer:
        body, content_type = render(response.data, accept)
        headers = [(gateway_header, gateway_value), ("Content-Type", content_type)]
        if response.is_complete and response.data:
            headers.append((completed, "true"))
            if cache_control:
                headers.append(("Cache-Control", cache_control))
        else:
            headers.append((completed, "false"))
        if response.metadata.headers and response.data:
            _add_headers(headers, response.metadata.headers)  # as Lura: set by modifiers, modules
            return Answer(200, headers, body)
        return Answer(200, headers, body, plain=True)

    async def answer(request: ServerRequest) -> Answer:
        try:
            response = await proxy(await read_request(request))
        except web.HTTPException:
            raise
        except Exception as exc:
            return fail(exc)
        if response.error is not None:
            _log_error(log, prefix, response.error)
        try:
            if no_op:
                return _pass_through(response, gateway_header, gateway_value, completed)
            return respond(response, request.headers.get("Accept", ""))
        except Exception as exc:  # what HTTP cannot carry: huge ints, XML names, plugin headers
            return fail(exc)

    return answer


def served(handler: Handler) -> AioHandler:
    """``handler`` as aiohttp's router calls it; the lean lane calls ``handler`` itself."""

    async def handle(request: web.Request) -> web.StreamResponse:
        return web_response(await handler(request))

    return lean_handler(handle, handler)


def _add_headers(out: list[tuple[str, str]], headers: Headers) -> None:
    """Checked here: aiohttp would only fail once the response is being written."""
    for key, values in headers.items():
        for value in values:
            if not (isinstance(key, str) and isinstance(value, str)) or "\n" in value:
                raise ValueError(f"response header {key!r}: {value!r:.60} cannot be sent")
            out.append((key, value))


def _pass_through(
    response: Response, gateway_header: str, gateway_value: str, completed: str
) -> Answer:
    headers: list[tuple[str, str]] = []
    _add_headers(headers, response.metadata.headers)
    answer = Answer(response.metadata.status_code or 200, headers, response.raw or b"")
    answer.set(gateway_header, gateway_value)
    answer.set(completed, "false")
    return answer


def _log_error(log: logging.Logger, prefix: str, exc: BaseException) -> None:
    if isinstance(exc, MergedError):
        for i, error in enumerate(exc.errors):
            log.error("%s Error #%d: %s", prefix, i, error)
    else:
        log.error("%s %s", prefix, exc)
