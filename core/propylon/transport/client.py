"""HTTP calls to backends: one pooled aiohttp session per backend host, redirects followed.

aiohttp follows redirects itself, but not as Go's client does (Referer, method rewriting),
so redirects are followed here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from multidict import CIMultiDictProxy
from yarl import URL

from propylon.proxy.types import Headers

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


class ClientPool:
    """Keeps one session per scheme://host:port so connections are reused across requests."""

    def __init__(self, max_body: int = 64 << 20, connect_timeout: float = 10.0) -> None:
        self._sessions: dict[str, aiohttp.ClientSession] = {}
        self.max_body = max_body
        self.connect_timeout = connect_timeout

    def session(self, key: str) -> aiohttp.ClientSession:
        """The session of an origin (``scheme://host:port`` as the URL writes it)."""
        session = self._sessions.get(key)
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(limit=0, ttl_dns_cache=60, enable_cleanup_closed=True)
            session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=True,
                skip_auto_headers=_SKIP_AUTO,
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.connect_timeout),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            self._sessions[key] = session
        return session

    def executor_factory(self) -> Callable[[object], HTTPExecutor]:
        """The default client factory: every backend shares this pool."""
        return lambda _backend: self.execute

    async def close(self) -> None:
        for session in self._sessions.values():
            await session.close()
        self._sessions.clear()

    async def execute(
        self, method: str, url: str, headers: Headers, body: bytes
    ) -> BackendResponse:
        target = URL(url, encoded=True)
        referer = initial = ""
        for _ in range(MAX_REDIRECTS + 1):
            sent = [(k, v) for k, vs in headers.items() for v in vs]
            if "Accept-Encoding" not in headers:
                sent.append(_ACCEPT_GZIP)
            if referer:
                sent.append(("Referer", referer))
            response = await self._send(method, target, url, sent, body)
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
        self, method: str, url: URL, raw_url: str, headers: list[tuple[str, str]], body: bytes
    ) -> BackendResponse:
        # A body goes out chunked, as a streamed client body does; an empty one as length 0.
        if body:
            data, chunked = body, True
        else:
            data, chunked = (None if method in ("GET", "HEAD") else b""), None
        async with self.session(_origin(raw_url)).request(
            method, url, headers=headers, data=data, chunked=chunked, allow_redirects=False
        ) as resp:
            payload = await self._read(resp)
            return BackendResponse(resp.status, resp.headers, payload, raw_url)

    async def _read(self, resp: aiohttp.ClientResponse) -> bytes:
        """The body, refused past ``max_body`` bytes so a backend cannot exhaust memory."""
        length = resp.content_length
        if length is not None:
            if length > self.max_body:
                raise BodyTooLarge(self.max_body)
            if "Content-Encoding" not in resp.headers:
                return await resp.read()
        # Chunked, or compressed: counted as decoded, so a small gzip body cannot grow unbounded.
        chunks, size = [], 0
        async for chunk in resp.content.iter_any():
            size += len(chunk)
            if size > self.max_body:
                raise BodyTooLarge(self.max_body)
            chunks.append(chunk)
        return b"".join(chunks)


def _in_domain(host: str, initial: str) -> bool:
    return host == initial or host.endswith("." + initial)


def _origin(url: str) -> str:
    """``http://host:port`` of an absolute URL, without parsing it."""
    end = url.find("/", url.find("//") + 2)
    return url if end < 0 else url[:end]
