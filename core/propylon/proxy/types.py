"""What flows through the pipeline: a Request in, a Response out, and the Proxy between them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from propylon.config.model import BackendConfig, EndpointConfig
from propylon.types import Headers, Query

__all__ = [
    "BackendFactory",
    "Headers",
    "MergeMiddleware",
    "Metadata",
    "Middleware",
    "Proxy",
    "ProxyFactory",
    "Query",
    "Request",
    "Response",
]


class Request:
    """The gateway's view of a client request, copied per backend before it is changed.

    A copy (``clone``) has its own ``params``, ``headers`` and ``query`` maps, so a backend may
    set or remove entries; the value lists inside them are shared with the other copies: give
    a header a new list rather than changing one in place.
    """

    __slots__ = (
        "body",
        "claims",
        "headers",
        "method",
        "params",
        "path",
        "query",
        "remote",
        "url",
    )

    def __init__(
        self,
        method: str,
        path: str,
        params: dict[str, str],
        headers: Headers,
        query: Query,
        body: bytes = b"",
        url: str = "",
        remote: str = "",
        claims: Mapping[str, Any] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.params = params
        self.headers = headers
        self.query = query
        self.body = body
        self.url = url
        self.remote = remote
        # The verified token's claims, when an authentication module validated one.
        self.claims = claims

    def clone(self) -> Request:
        return Request(
            self.method,
            self.path,
            dict(self.params),
            dict(self.headers),
            dict(self.query),
            self.body,
            self.url,
            self.remote,
            self.claims,
        )


class Metadata:
    __slots__ = ("headers", "status_code")

    def __init__(self, status_code: int = 0, headers: Headers | None = None) -> None:
        self.status_code = status_code
        self.headers: Headers = headers if headers is not None else {}


class Response:
    """Decoded data and whether every backend that should have answered did.

    ``raw`` carries the untouched backend body of a no-op backend. ``error`` is set on a
    partial response: some backends failed, the others still answered.
    """

    __slots__ = ("data", "error", "is_complete", "metadata", "raw")

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        is_complete: bool = True,
        metadata: Metadata | None = None,
        raw: bytes | None = None,
        error: BaseException | None = None,
    ) -> None:
        self.data: dict[str, Any] = data if data is not None else {}
        self.is_complete = is_complete
        self.metadata = metadata if metadata is not None else Metadata()
        self.raw = raw
        self.error = error


Proxy = Callable[[Request], Awaitable[Response]]
# Built from its options, a middleware wraps the next proxy: ``new_x(options)(next) -> Proxy``.
Middleware = Callable[[Proxy], Proxy]
# A merge wraps several: ``new_merge(options)(*nexts) -> Proxy``.
MergeMiddleware = Callable[..., Proxy]
# The factories of the proxy layers: a backend's proxy, an endpoint's pipe.
BackendFactory = Callable[[BackendConfig], Proxy]
ProxyFactory = Callable[[EndpointConfig], Proxy]
