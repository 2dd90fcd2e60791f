"""HTTP calls to backends: kept-alive connections per origin, redirects followed.

Connections are kept per scheme, host and port, as Go's transport does for KrakenD
(``propylon.transport.origin``); each carries one exchange at a time, parsed in C
(``propylon.transport.wire``). A connection kept idle that the backend closed meanwhile is
replaced by a new one, and a request that failed on it before any byte came back is sent
again when it is safe to repeat, as Go's client does.

Redirects are followed here as Go's client follows them (Referer, method rewriting,
credentials dropped for another domain). Bodies are bounded while they are read; large ones
wait for room in the worker's memory budget (``propylon.transport.budget``).
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Awaitable, Callable

from multidict import CIMultiDictProxy
from yarl import URL

from propylon.config.client import ClientOptions
from propylon.config.model import BackendConfig, ServiceConfig
from propylon.config.tls import ClientTLSOptions
from propylon.tls import client_context
from propylon.transport.budget import MemoryBudget
from propylon.transport.errors import (
    MAX_REDIRECTS,
    BodyTooLarge,
    ConnectionClosed,
    InvalidHeader,
    TooManyRedirects,
)
from propylon.transport.limits import (
    DEFAULT_MAX_SIZE,
    DEFAULT_MEMORY,
    backend_max_size,
    service_limits,
)
from propylon.transport.origin import Address, IdleCount, Origin
from propylon.transport.wire import RawHeaders, decode_headers
from propylon.types import Headers

__all__ = ["BackendResponse", "BodyTooLarge", "ClientPool", "TooManyRedirects"]

REDIRECTS = frozenset((301, 302, 303, 307, 308))
# Origins whose connections are kept; the configuration names far fewer, redirects any.
MAX_ORIGINS = 256
# URLs whose origin and target are remembered (most backends call the same few URLs).
MAX_ROUTES = 1024
# Methods Go's client sends again on a new connection when a kept one failed before answering.
_REPEATABLE = frozenset(("GET", "HEAD", "OPTIONS", "TRACE"))
# Headers Go's client drops on a redirect to a host outside the first one's domain.
_CREDENTIALS = frozenset(("authorization", "www-authenticate", "cookie", "cookie2"))


class BackendResponse:
    """A backend's answer: status, headers, the (decoded) body and the URL that gave it.

    The pool's own answers keep the headers as the parser read them, and make the multidict
    when something reads ``headers``: most calls (a JSON backend's) never do.
    """

    __slots__ = ("_headers", "_raw", "body", "status", "url")

    def __init__(self, status: int, headers: CIMultiDictProxy[str], body: bytes, url: str) -> None:
        self.status = status
        self._headers: CIMultiDictProxy[str] | None = headers
        self._raw: RawHeaders = ()
        self.body = body
        self.url = url

    @classmethod
    def parsed(cls, status: int, raw: RawHeaders, body: bytes, url: str) -> BackendResponse:
        """An answer whose headers are made from ``raw`` when first read."""
        made = cls.__new__(cls)
        made.status, made._headers, made._raw, made.body, made.url = status, None, raw, body, url
        return made

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        if self._headers is None:
            self._headers = CIMultiDictProxy(decode_headers(self._raw))
        return self._headers

    @headers.setter
    def headers(self, value: CIMultiDictProxy[str]) -> None:
        self._headers = value

    def __repr__(self) -> str:
        return f"BackendResponse(status={self.status}, url={self.url!r}, {len(self.body)} bytes)"


# The contract of the HTTP client layer, which plugins and modules may replace or decorate.
HTTPExecutor = Callable[[str, str, Headers, bytes], Awaitable[BackendResponse]]
# The client layer's factory: a backend -> the executor that calls it.
ClientFactory = Callable[[BackendConfig], HTTPExecutor]


class ClientPool:
    """Keeps the connections reused across requests and backends of a worker.

    ``max_body`` is the default size limit of a response body; ``memory`` the worker's budget
    for the large bodies it holds at once.
    """

    def __init__(
        self,
        max_body: int = DEFAULT_MAX_SIZE,
        memory: int = DEFAULT_MEMORY,
        tls: ClientTLSOptions | None = None,
        options: ClientOptions | None = None,
    ) -> None:
        # The service's ``client_tls`` for HTTPS backends; without it, the system's CAs.
        self.tls = tls
        self.max_body = max_body
        self.options = options or ClientOptions()
        self.budget = MemoryBudget(memory)
        self.idle = IdleCount(self.options.max_idle)
        self._origins: dict[str, Origin] = {}
        self._routes: dict[str, tuple[Origin, str]] = {}
        self._tls_context: ssl.SSLContext | None = None
        # What every request adds: "Accept-Encoding", "Connection: close" (as Go's transport).
        self._compress = not self.options.disable_compression
        self._close = self.options.disable_keep_alives
        self._head_timeout = self.options.response_header_timeout

    @classmethod
    def for_service(cls, service: ServiceConfig) -> ClientPool:
        """A pool with the service's ``backend/http`` sizes and client settings."""
        sizes = service_limits(service)
        return cls(sizes.max_size, sizes.memory, service.client_tls, service.client)

    def executor_factory(self) -> ClientFactory:
        """The default client factory: every backend shares this pool, with its own limit."""
        return self.executor

    def executor(self, backend: BackendConfig) -> HTTPExecutor:
        limit = backend_max_size(backend, self.max_body)
        if limit == self.max_body:
            return self.execute

        async def execute(method: str, url: str, headers: Headers, body: bytes) -> BackendResponse:
            return await self.execute(method, url, headers, body, limit=limit)

        return execute

    async def close(self) -> None:
        for origin in self._origins.values():
            origin.close()
        self._origins.clear()
        self._routes.clear()

    async def execute(
        self, method: str, url: str, headers: Headers, body: bytes, *, limit: int = 0
    ) -> BackendResponse:
        limit = limit or self.max_body
        referer = initial = ""
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._send(method, url, headers, body, limit, referer)
            if response.status not in REDIRECTS or "Location" not in response.headers:
                return response
            if response.status in (301, 302, 303) and method not in ("GET", "HEAD"):
                method, body = "GET", b""
            referer = url
            target = URL(url, encoded=True)
            initial = initial or target.host or ""
            target = target.join(URL(response.headers["Location"], encoded=True))
            url = str(target)
            if not _in_domain(target.host or "", initial):
                headers = {k: v for k, v in headers.items() if k.lower() not in _CREDENTIALS}
        raise TooManyRedirects()

    async def _send(
        self, method: str, url: str, headers: Headers, body: bytes, limit: int, referer: str
    ) -> BackendResponse:
        origin, target = self._route(url)
        request = _request(
            method, target, origin.address, headers, body, referer, self._compress, self._close
        )
        head_only = method == "HEAD"
        now = time.monotonic()
        conn = origin.idle(now)
        while True:
            reused = conn is not None
            if conn is None:
                conn = await origin.connect()
            try:
                reply = await conn.exchange(request, limit, head_only, self._head_timeout)
            except ConnectionClosed:
                origin.keep(conn, now)
                if not reused or conn.received or method not in _REPEATABLE:
                    raise
                conn = None  # closed by the backend while kept: once more on a new one
                continue
            except BaseException:
                origin.keep(conn, now)
                raise
            origin.keep(conn, now)
            return BackendResponse.parsed(reply.status, reply.raw, reply.body, url)

    def _route(self, url: str) -> tuple[Origin, str]:
        """The origin of ``url`` and the request target (path and query) sent to it."""
        found = self._routes.get(url)
        if found is not None:
            return found
        if len(self._routes) >= MAX_ROUTES:
            self._routes.clear()
        route = self._routes[url] = self._split(url)
        return route

    def _split(self, url: str) -> tuple[Origin, str]:
        """What ``_route`` remembers: the origin made on its first call."""
        start = url.find("://")
        end = len(url)
        for mark in ("/", "?", "#"):
            at = url.find(mark, start + 3)
            if 0 <= at < end:
                end = at
        key = url[:end]
        origin = self._origins.get(key)
        if origin is None:
            address = Address.parse(key)
            tls = self._context() if address.scheme == "https" else None
            origin = Origin(address, self.budget, self.options, self.idle, tls)
            if len(self._origins) >= MAX_ORIGINS:  # redirects may name any host: bounded
                self._origins.pop(next(iter(self._origins))).retire()
                self._routes.clear()  # some may lead to the one retired
            self._origins[key] = origin
        target = url[end:].partition("#")[0]
        if not target.startswith("/"):
            target = "/" + target
        return origin, target

    def _context(self) -> ssl.SSLContext:
        if self._tls_context is None:
            self._tls_context = (
                client_context(self.tls) if self.tls is not None else ssl.create_default_context()
            )
        return self._tls_context


def _request(
    method: str,
    target: str,
    address: Address,
    headers: Headers,
    body: bytes,
    referer: str,
    compress: bool = True,
    close: bool = False,
) -> bytes:
    """The request as it goes on the wire: the gateway's headers only, plus what HTTP/1.1
    needs (Host, the body's framing) and what Go's client adds (gzip unless compression is
    disabled, ``Connection: close`` when keep-alives are, Referer)."""
    if " " in target or "\n" in target or "\r" in target or "\0" in target:
        raise InvalidHeader("request target")
    lines = [method, " ", target, " HTTP/1.1\r\n"]
    if "Host" not in headers:
        lines += ("Host: ", address.authority, "\r\n")
    for name, values in headers.items():
        for value in values:
            if "\n" in value or "\r" in value or "\0" in value:
                raise InvalidHeader(name)
            lines += (name, ": ", value, "\r\n")
    if compress and "Accept-Encoding" not in headers:
        lines.append("Accept-Encoding: gzip\r\n")
    if close and "Connection" not in headers:
        lines.append("Connection: close\r\n")
    if address.basic and "Authorization" not in headers:
        lines += ("Authorization: ", address.basic, "\r\n")
    if referer:
        lines += ("Referer: ", referer, "\r\n")
    # A body goes out chunked, as a streamed client body does; an empty one as length 0.
    if body:
        lines.append("Transfer-Encoding: chunked\r\n\r\n")
        head = "".join(lines).encode("utf-8", "surrogateescape")
        return b"".join((head, b"%x\r\n" % len(body), body, b"\r\n0\r\n\r\n"))
    if method not in ("GET", "HEAD"):
        lines.append("Content-Length: 0\r\n")
    lines.append("\r\n")
    return "".join(lines).encode("utf-8", "surrogateescape")


def _in_domain(host: str, initial: str) -> bool:
    return host == initial or host.endswith("." + initial)
