"""The backend proxy: one HTTP call, its status checked, its body decoded and formatted.

A large body is decoded (and formatted) on the decoding thread; the memory-budget leases
the client took for it are kept until that work ends (``propylon.transport.budget``).
"""

from __future__ import annotations

from typing import Any

from propylon.config.model import BackendConfig
from propylon.encoding import get_decoder
from propylon.encoding.offload import OFFLOAD_SIZE, decode_queue
from propylon.proxy.formatter import new_formatter
from propylon.proxy.status import new_status_handler
from propylon.proxy.types import Metadata, Proxy, Request, Response
from propylon.transport.budget import LEASES, Lease, detach, release_all
from propylon.transport.client import HTTPExecutor

# Hop-by-hop headers, and those describing the wire form of a body the client already decoded.
_NOT_PASSED = frozenset(
    (
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "content-encoding",
        "proxy-authenticate",
        "proxy-connection",
        "te",
        "trailer",
        "upgrade",
    )
)


def new_http_proxy(backend: BackendConfig, execute: HTTPExecutor) -> Proxy:
    if backend.encoding == "no-op":
        return _no_op_proxy(execute)
    decode = get_decoder(backend.encoding, backend.is_collection)
    formatter = new_formatter(backend)
    check_status = new_status_handler(backend)

    def read(body: bytes) -> dict[str, Any]:
        data = decode(body) if body else {}
        return data if formatter is None else formatter(data)

    async def http_proxy(request: Request) -> Response:
        leases: list[Lease] = []
        scope = LEASES.set(leases)
        try:
            resp = await execute(request.method, request.url, request.headers, request.body)
            failed = check_status(resp)
            if failed is not None:
                return failed
            body = resp.body
            if len(body) < OFFLOAD_SIZE:
                data = decode(body) if body else {}
                return Response(data if formatter is None else formatter(data), True)
            del resp
            work = decode_queue().run(lambda: read(body), lambda: detach(leases))
            return Response(await work, True)
        finally:
            LEASES.reset(scope)
            if leases:
                release_all(leases)

    return http_proxy


def _no_op_proxy(execute: HTTPExecutor) -> Proxy:
    """Passes the backend's status, headers and body through untouched."""

    async def no_op_proxy(request: Request) -> Response:
        # Nothing to decode: what the body took of the budget ends with its read.
        resp = await execute(request.method, request.url, request.headers, request.body)
        headers: dict[str, list[str]] = {}
        for key, value in resp.headers.items():
            if key.lower() not in _NOT_PASSED:
                headers.setdefault(key, []).append(value)
        return Response({}, True, Metadata(resp.status, headers), raw=resp.body)

    return no_op_proxy
