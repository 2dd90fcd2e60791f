"""HTTP calls to backends: one pooled aiohttp session for all of them, redirects followed.

The session's connector keeps idle connections per scheme, host and port, as Go's transport
does for KrakenD, so no per-request lookup of a session by host is needed.

aiohttp follows redirects itself, but not as Go's client does (Referer, method rewriting),
so redirects are followed here. Bodies are bounded while they are read: a declared length
past the limit is refused before reading, a streamed or compressed one as it grows; large
ones wait for room in the worker's memory budget (``propylon.transport.budget``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from propylon.config.model import BackendConfig, ServiceConfig
from propylon.config.tls import ClientTLSOptions
from propylon.tls import client_context
from propylon.transport.budget import MemoryBudget, new_lease
from propylon.transport.limits import (
    DEFAULT_MAX_SIZE,
    DEFAULT_MEMORY,
    LARGE_BODY,
    backend_max_size,
    service_limits,
)
from propylon.types import Headers

MAX_REDIRECTS = 10
REDIRECTS = frozenset((301, 302, 303, 307, 308))
# Headers aiohttp would add by itself; a backend sees only what the gateway declares.
_SKIP_AUTO = frozenset(("Accept", "Accept-Encoding", "User-Agent", "Content-Type"))
# What the client itself asks for, as Go's transport does: it decodes gzip transparently.
_ACCEPT_GZIP = ("Accept-Encoding", "gzip")
# Headers Go's client drops on a redirect to a host outside the first one's domain.
_CREDENTIALS = frozenset(("authorization", "www-authenticate", "cookie", "cookie2"))


@dataclass(slots=True)
class BackendResponse:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    url: str


class TooManyRedirects(aiohttp.ClientError):
    def __init__(self) -> None:
        super().__init__(f"stopped after {MAX_REDIRECTS} redirects")


class BodyTooLarge(aiohttp.ClientError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"backend response larger than {limit} bytes")


# The contract of the HTTP client layer, which plugins and modules may replace or decorate.
HTTPExecutor = Callable[[str, str, Headers, bytes], Awaitable[BackendResponse]]
# The client layer's factory: a backend -> the executor that calls it.
ClientFactory = Callable[[BackendConfig], HTTPExecutor]


class ClientPool:
    """Keeps the session whose connections are reused across requests and backends.

    ``max_body`` is the default size limit of a response body; ``memory`` the worker's budget
    for the large bodies it holds at once.
    """

    def __init__(
        self,
        max_body: int = DEFAULT_MAX_SIZE,
        connect_timeout: float = 10.0,
        memory: int = DEFAULT_MEMORY,
        tls: ClientTLSOptions | None = None,
    ) -> None:
        self._session: aiohttp.ClientSession | None = None
        # The service's ``client_tls`` for HTTPS backends; without it, aiohttp's defaults.
        self.tls = tls
        self.max_body = max_body
        self.connect_timeout = connect_timeout
        self.budget = MemoryBudget(memory)

    @classmethod
    def for_service(cls, service: ServiceConfig) -> ClientPool:
        """A pool with the service's ``backend/http`` sizes."""
        sizes = service_limits(service)
        return cls(max_body=sizes.max_size, memory=sizes.memory, tls=service.client_tls)

    @property
    def session(self) -> aiohttp.ClientSession:
        """Made on first use, inside the serving loop (a session belongs to one loop)."""
        session = self._session
        if session is None or session.closed:
            context = client_context(self.tls) if self.tls is not None else True
            connector = aiohttp.TCPConnector(
                limit=0, ttl_dns_cache=60, enable_cleanup_closed=True, ssl=context
            )
            session = self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=True,
                skip_auto_headers=_SKIP_AUTO,
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.connect_timeout),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return session

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
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def execute(
        self, method: str, url: str, headers: Headers, body: bytes, *, limit: int = 0
    ) -> BackendResponse:
        limit = limit or self.max_body
        target = URL(url, encoded=True)
        referer = initial = ""
        for _ in range(MAX_REDIRECTS + 1):
            sent = [(k, v) for k, vs in headers.items() for v in vs]
            if "Accept-Encoding" not in headers:
                sent.append(_ACCEPT_GZIP)
            if referer:
                sent.append(("Referer", referer))
            response = await self._send(method, target, url, sent, body, limit)
            if response.status not in REDIRECTS or "Location" not in response.headers:
                return response
            if response.status in (301, 302, 303) and method not in ("GET", "HEAD"):
                method, body = "GET", b""
            referer = url
            initial = initial or target.host or ""
            target = target.join(URL(response.headers["Location"], encoded=True))
            url = str(target)
            if not _in_domain(target.host or "", initial):
                headers = {k: v for k, v in headers.items() if k.lower() not in _CREDENTIALS}
        raise TooManyRedirects()

    async def _send(
        self,
        method: str,
        url: URL,
        raw_url: str,
        headers: list[tuple[str, str]],
        body: bytes,
        limit: int,
    ) -> BackendResponse:
        # A body goes out chunked, as a streamed client body does; an empty one as length 0.
        data: bytes | None = body
        chunked: bool | None = True
        if not body:
            data, chunked = (None if method in ("GET", "HEAD") else b""), None
        async with self.session.request(
            method, url, headers=headers, data=data, chunked=chunked, allow_redirects=False
        ) as resp:
            payload = await self._read(resp, limit)
            return BackendResponse(resp.status, resp.headers, payload, raw_url)

    async def _read(self, resp: aiohttp.ClientResponse, limit: int) -> bytes:
        """The body, refused past ``limit`` bytes so a backend cannot exhaust memory."""
        length = resp.content_length
        if length is not None:
            if length > limit:
                raise BodyTooLarge(limit)
            if "Content-Encoding" not in resp.headers:
                if length < LARGE_BODY:
                    return await resp.read()
                return await self._read_large(resp, length)
        return await self._read_streamed(resp, limit)

    async def _read_large(self, resp: aiohttp.ClientResponse, length: int) -> bytes:
        """A body of known size: its room in the budget first, then the bytes."""
        lease, kept = new_lease(self.budget)
        try:
            await lease.take(length)
            return await resp.read()
        finally:
            if not kept:
                lease.release()

    async def _read_streamed(self, resp: aiohttp.ClientResponse, limit: int) -> bytes:
        """Chunked, or compressed: counted as decoded, so a small gzip body cannot grow
        unbounded. Its size is unknown: once large, it reserves the limit, then keeps what
        it read."""
        chunks: list[bytes] = []
        size = 0
        lease, kept = None, False
        try:
            async for chunk in resp.content.iter_any():
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge(limit)
                chunks.append(chunk)
                if lease is None and size >= LARGE_BODY:
                    lease, kept = new_lease(self.budget)
                    await lease.take(limit)
            if lease is not None:
                lease.shrink(size)
            return b"".join(chunks)
        finally:
            if lease is not None and not kept:
                lease.release()


def _in_domain(host: str, initial: str) -> bool:
    return host == initial or host.endswith("." + initial)
