"""The lean lane: the plainest requests served without aiohttp's request and response machinery.

aiohttp's server costs more per request than the whole proxy pipeline behind it (the parser's
message, a ``web.Request``, middlewares, ``prepare``, the writer). Most requests to a
gateway are the plainest kind: a GET with no body, on keep-alive HTTP/1.1. Those the
connection protocol (``propylon.router.protocol``) parses itself with llhttp and hands
straight to the endpoint's handler (the core's, with whatever modules wrapped around it: a
handler answers an ``Answer`` for any ``ServerRequest``), through the same middlewares; a
path with parameters is routed by aiohttp's router. The answer is written as aiohttp writes
it. Anything else on a connection (a body, a HEAD, a path with escapes, a malformed head...)
and everything after it on that connection goes through aiohttp, unchanged.

The lane exists only when nothing an edition added could be skipped: every application
middleware is one the lane runs (``lean_middleware``: it reads only what a ``ServerRequest``
offers), every ``on_response_prepare`` receiver one the lane calls on its answer
(``lean_receiver``) or whose work it does itself, and a route is in it only if its handler is
an endpoint's (``lean_handler``), not one a plugin or a module added to the router itself.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from email.utils import formatdate
from http.cookies import Morsel, SimpleCookie
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httptools
from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy, MultiDictProxy
from yarl import URL

from propylon.router.answer import Answer, wire_bytes
from propylon.router.incoming import ServerRequest
from propylon.router.prepared import Receiver

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# What the lane calls: an endpoint's handler (or a middleware, which may answer a response).
LaneHandler = Callable[[web.Request], Awaitable["Answer | web.StreamResponse"]]

# The endpoints' aiohttp handlers, each with the handler it serves (answering an Answer).
_ENDPOINT_HANDLERS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_MIDDLEWARES: weakref.WeakSet[Any] = weakref.WeakSet()
_SIGNALS: weakref.WeakSet[Any] = weakref.WeakSet()
_RECEIVERS: weakref.WeakSet[Any] = weakref.WeakSet()
_NO_PARAMS: Mapping[str, str] = MappingProxyType({})

try:  # the parser of aiohttp's request.cookies, to read them alike
    from aiohttp._cookie_helpers import parse_cookie_header
except ImportError:  # aiohttp before 3.12 read them with the standard library's

    def parse_cookie_header(header: str) -> list[tuple[str, Morsel[str]]]:
        return list(SimpleCookie(header).items())


def lean_handler(handler: Handler, answer: LaneHandler) -> Handler:
    """Marks an endpoint's aiohttp ``handler``: a route still holding it is in the lane,
    served by ``answer``, the same handler before its answer is made a ``web.Response``."""
    _ENDPOINT_HANDLERS[handler] = answer
    return handler


_M = TypeVar("_M")


def lean_middleware(middleware: _M) -> _M:
    """Marks an application middleware the lane runs as aiohttp would: it reads only what a
    ``ServerRequest`` offers, and answers what its handler answers or a ``web.Response``."""
    _MIDDLEWARES.add(middleware)
    return middleware


def lean_receiver(receiver: Receiver) -> Receiver:
    """Marks an ``on_response_prepare`` receiver the lane calls on its answer, as aiohttp
    calls it on its response: typed against ``ServerRequest`` and ``Prepared``."""
    _RECEIVERS.add(receiver)
    return receiver


def lean_signal(receiver: Any) -> Any:
    """Marks an ``on_response_prepare`` receiver whose work the lane does (hiding Server)."""
    _SIGNALS.add(receiver)
    return receiver


class Lanes:
    """The application's lane: what serves a GET to each endpoint, by path for those without
    parameters, by route for the others (aiohttp's router finds it)."""

    __slots__ = ("app", "by_route", "handlers", "receivers", "routed")

    def __init__(
        self,
        app: web.Application,
        handlers: dict[str, LaneHandler],
        by_route: dict[Any, LaneHandler],
        receivers: tuple[Receiver, ...] = (),
    ) -> None:
        self.app = app
        self.handlers = handlers
        self.by_route = by_route
        self.routed = len(by_route) > len(handlers)  # some have parameters
        # The on_response_prepare receivers the lane calls, in order.
        self.receivers = receivers

    async def resolve(self, request: LeanRequest) -> LaneHandler | None:
        """What serves ``request`` as aiohttp would route it, if that is in the lane."""
        match = await self.app.router.resolve(cast(web.Request, request))
        if match.http_exception is not None:
            return None
        handler = self.by_route.get(match.route.handler)
        if handler is not None:
            request.match_info = match
        return handler


def lean_routes(app: web.Application) -> Lanes | None:
    """The lane of a frozen application; None when something in it could be skipped."""
    if any(m not in _MIDDLEWARES for m in app.middlewares):
        return None
    if any(s not in _SIGNALS and s not in _RECEIVERS for s in app.on_response_prepare):
        return None
    handlers: dict[str, LaneHandler] = {}
    by_route: dict[Any, LaneHandler] = {}
    for resource in app.router.resources():
        for route in resource:
            if route.method != "GET" or route.handler not in _ENDPOINT_HANDLERS:
                continue
            answer = _ENDPOINT_HANDLERS[route.handler]
            served = by_route[route.handler] = _through(list(app.middlewares), answer)
            if isinstance(resource, web.PlainResource):
                handlers.setdefault(resource.canonical, served)
    if not by_route:
        return None
    # Marked by ``lean_receiver``: each is a Receiver.
    receivers = tuple(cast(Receiver, s) for s in app.on_response_prepare if s in _RECEIVERS)
    return Lanes(app, handlers, by_route, receivers)


def _through(middlewares: list[Any], handler: LaneHandler) -> LaneHandler:
    """``handler`` inside the application's middlewares, the first outermost, as aiohttp."""
    for middleware in reversed(middlewares):

        def wrapped(request: web.Request, m: Any = middleware, h: LaneHandler = handler) -> Any:
            return m(request, h)

        handler = wrapped
    return handler


class LeanRequest(dict[Any, Any]):
    """A ``ServerRequest`` (``propylon.router.incoming``) for a GET without a body, and what
    the access log reads; its storage (``request[key]``) is the dict itself."""

    __slots__ = (
        "_query", "config_dict", "headers", "host", "match_info", "path", "remote", "secure"
    )  # fmt: skip

    method = "GET"
    body_exists = False

    def __init__(
        self,
        path: str,
        query: str,
        headers: CIMultiDictProxy[str],
        remote: str | None,
        app: web.Application,
        secure: bool = False,
    ) -> None:
        super().__init__()
        self.path = path
        self._query = query
        self.headers = headers
        self.host = headers.get("Host", "")
        self.remote = remote
        self.config_dict = app
        self.match_info: Mapping[str, str] = _NO_PARAMS  # a plain path's
        self.secure = secure  # came over TLS

    @property
    def raw_path(self) -> str:
        """Path and query as sent (the lane's have no escapes)."""
        return f"{self.path}?{self._query}" if self._query else self.path

    @property
    def rel_url(self) -> URL:
        return URL.build(path=self.path, query_string=self._query, encoded=True)

    @property
    def query(self) -> MultiDictProxy[str]:
        return self.rel_url.query

    @property
    def cookies(self) -> Mapping[str, str]:
        """Parsed as aiohttp parses them."""
        parsed = parse_cookie_header(self.headers.get("Cookie", ""))
        return MappingProxyType({name: morsel.value for name, morsel in parsed})

    async def read(self) -> bytes:
        return b""


if TYPE_CHECKING:  # the type checker proves the lane's request is one a handler reads
    _LANE_REQUEST: type[ServerRequest] = LeanRequest


class HeadReader:
    """Reads a chunk of a connection with llhttp: the request the lane serves if the chunk is
    exactly one whole GET head, keep-alive HTTP/1.1, with a Host, without a body, upgrade or
    expectation; else None, and the chunk is left to aiohttp (the reader is then spent)."""

    __slots__ = ("_begun", "_complete", "_headers", "_parser", "_url")

    def __init__(self) -> None:
        self._parser = httptools.HttpRequestParser(self)
        self._begun = 0
        self._complete = False
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []

    def read(self, data: bytes, max_headers: int) -> tuple[str, str, CIMultiDictProxy[str]] | None:
        """The path, query and headers of ``data``'s request, if the lane serves it; past
        ``max_headers`` headers, aiohttp refuses it. Not the lane's: a path with escapes,
        dot or empty segments (aiohttp normalises them); a body, an expectation, an
        upgrade."""
        self._begun = 0
        self._complete = False
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:  # an upgrade too: aiohttp answers either
            return None
        parser = self._parser
        if (
            self._begun != 1
            or not self._complete
            or parser.get_method() != b"GET"
            or parser.get_http_version() != "1.1"
            or not parser.should_keep_alive()
            or len(self._headers) > max_headers
        ):
            return None
        target = self._url.decode("utf-8", "surrogateescape")
        path, mark, query = target.partition("?")
        if (
            not path.startswith("/")
            or (mark and not query)  # "/path?": aiohttp's, as sent
            or "#" in query
            or "%" in path  # spelled out, as below: no generator on every request
            or "/." in path
            or "//" in path
        ):
            return None
        headers = CIMultiDict(
            [
                (n.decode("utf-8", "surrogateescape"), v.decode("utf-8", "surrogateescape"))
                for n, v in self._headers
            ]
        )
        if (
            "Host" not in headers
            or "Content-Length" in headers
            or "Transfer-Encoding" in headers
            or "Expect" in headers
            or "Upgrade" in headers
        ):
            return None
        return path, query, CIMultiDictProxy(headers)

    # llhttp's callbacks

    def on_message_begin(self) -> None:
        self._begun += 1
        self._url = b""
        self._headers = []

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_message_complete(self) -> None:
        self._complete = True


class Clock:
    """The ``Date`` header, formatted once a second."""

    __slots__ = ("_second", "_text")

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def date(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second = second
            self._text = formatdate(second, usegmt=True)
        return self._text


def response_bytes(response: web.StreamResponse, date: str) -> bytes:
    """A ``web.Response`` (an HTTP exception raised in the lane) written as ``answer_bytes``
    writes an answer; ValueError for one the lane does not write (cookies, compression, a
    streamed body)."""
    if not isinstance(response, web.Response) or response.compression:
        raise ValueError("not a plain response")
    if getattr(response, "_cookies", None) or (
        not hasattr(response, "_cookies") and response.cookies
    ):  # read without making the cookie jar aiohttp makes on first use
        raise ValueError("a response with cookies")
    body = response.body
    if body is None:
        body = b""
    elif not isinstance(body, bytes | bytearray):
        raise ValueError("a streamed body")
    return wire_bytes(response.status, response.reason, response.headers.items(), bytes(body), date)
