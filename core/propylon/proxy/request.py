"""Backend request building: the url_pattern filled with params, a host picked, the query added.

A param is data, never URL syntax. Where a placeholder stands is known when the gateway is
built: before the pattern's ``?`` its value is written as part of one path segment (``/``,
backslash, ``;``, ``%``, ``?``, ``#``, spaces and control characters percent-encoded), after it as
one query value (``&``, ``=``, ``+`` and ``#`` encoded as well). So a value can neither climb
out of the pattern's path nor add a query parameter.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from propylon.config.model import BackendConfig
from propylon.config.params import PLACEHOLDER, param_key
from propylon.proxy.errors import NoHostsError, ProxyError
from propylon.proxy.types import Middleware, Proxy, Request, Response

# RFC 3986 pchars less ';', which servlet containers read as a path-parameter delimiter
# ("..;" climbs there). Neither '/' nor a backslash: each would split the segment.
_SEGMENT_SAFE = "-._~!$&'()*+,=:@"
# Query-value characters that no form or query parser gives a meaning to.
_QUERY_SAFE = "-._~!$'()*,:@/?"
DOT_SEGMENTS = frozenset({".", ".."})


class InvalidParamError(ProxyError):
    """A param value that cannot be written where its placeholder stands (400)."""

    status_code = 400


@dataclass(frozen=True, slots=True)
class Placeholder:
    key: str
    in_query: bool


Piece = str | Placeholder


@dataclass(frozen=True, slots=True)
class Pattern:
    """A url_pattern compiled once: its pieces, and the path segments that hold placeholders."""

    pieces: tuple[Piece, ...]
    filled_segments: tuple[int, ...]

    def fill(self, params: dict[str, str]) -> str:
        """The pattern with each param encoded for its place.

        A path segment that a param makes ``.`` or ``..`` is refused rather than encoded:
        ``%2E`` is ``.`` to RFC 3986 normalisers, so an encoded dot still climbs on many
        backends, while a refusal can never reach a resource the pattern does not name.
        """
        out = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif piece.in_query:
                out.append(quote(params.get(piece.key, ""), safe=_QUERY_SAFE))
            else:
                out.append(quote(params.get(piece.key, ""), safe=_SEGMENT_SAFE))
        url = "".join(out)
        if self.filled_segments:
            segments = url.split("?", 1)[0].split("/")
            for index in self.filled_segments:
                if segments[index] in DOT_SEGMENTS:
                    raise InvalidParamError(f"a param makes the path segment {segments[index]!r}")
        return url


def compile_pattern(pattern: str) -> Pattern:
    """``/a/{id}?x={y}`` -> '/a/', Id in the path, '?x=', Y in the query."""
    pieces: list[Piece] = []
    in_query = False
    pos = 0
    for match in PLACEHOLDER.finditer(pattern):
        if match.start() > pos:
            literal = pattern[pos : match.start()]
            pieces.append(literal)
            in_query = in_query or "?" in literal
        pieces.append(Placeholder(param_key(match.group(1)), in_query))
        pos = match.end()
    if pos < len(pattern):
        pieces.append(pattern[pos:])
    return Pattern(tuple(pieces), _filled_segments(pieces))


def _filled_segments(pieces: list[Piece]) -> tuple[int, ...]:
    """Indexes (in the path split on '/') of the segments a path placeholder is part of."""
    filled: set[int] = set()
    segment = 0
    for piece in pieces:
        if isinstance(piece, Placeholder):
            if piece.in_query:
                break
            filled.add(segment)
        elif "?" in piece:
            segment += piece.split("?", 1)[0].count("/")
            break
        else:
            segment += piece.count("/")
    return tuple(sorted(filled))


def new_request_builder(backend: BackendConfig) -> Middleware:
    """Sets the backend's method and path, and narrows headers and query to what it declares."""
    pattern = compile_pattern(backend.url_pattern)
    has_params = any(isinstance(p, Placeholder) for p in pattern.pieces)
    static_path = None if has_params else backend.url_pattern
    method = backend.method
    headers = _allow_list(backend.input_headers, canonical=True)
    query = _allow_list(backend.input_query_strings, canonical=False)

    def middleware(next_proxy: Proxy) -> Proxy:
        async def build_request(request: Request) -> Response:
            request.path = static_path if static_path is not None else pattern.fill(request.params)
            request.method = method
            if headers is not None:
                request.headers = {k: v for k, v in request.headers.items() if k.lower() in headers}
            if query is not None:
                request.query = {k: v for k, v in request.query.items() if k in query}
            return await next_proxy(request)

        return build_request

    return middleware


def _allow_list(names: list[str] | None, canonical: bool) -> frozenset[str] | None:
    if names is None or "*" in names:
        return None
    return frozenset(n.lower() for n in names) if canonical else frozenset(names)


def new_load_balancer(backend: BackendConfig) -> Middleware:
    """Round-robin over the backend's hosts; the query joins any the url_pattern has."""
    hosts = backend.host

    def middleware(next_proxy: Proxy) -> Proxy:
        if not hosts:
            return _no_hosts
        pick = itertools.cycle(hosts).__next__ if len(hosts) > 1 else (lambda: hosts[0])

        async def balance(request: Request) -> Response:
            url = pick() + request.path
            if request.query:
                encoded = urlencode(sorted(request.query.items()), doseq=True)
                url += ("&" if "?" in url else "?") + encoded
            request.url = url
            return await next_proxy(request)

        return balance

    return middleware


async def _no_hosts(_request: Request) -> Response:
    """A backend configured without a host starts, as in KrakenD, and fails every call."""
    raise NoHostsError()
