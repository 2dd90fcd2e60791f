"""What the router answers when no endpoint matches: a redirect to the fixed path, 405 or 404.

Like KrakenD's router: with ``remove_extra_slash`` a path with repeated slashes is routed
as its clean spelling; a path that differs only in case or in a trailing slash is
redirected (301 for GET, 307 otherwise); a path served for other methods answers 405 with
``Allow`` (404 with ``disable_handle_method_not_allowed``); anything else 404. KrakenD CE's
``error_body`` replaces the 404 and 405 bodies with JSON.
"""

from __future__ import annotations

import posixpath
import re
from html import escape
from typing import Any

import orjson
from aiohttp import web
from yarl import URL

from propylon.config.params import PLACEHOLDER
from propylon.identity import Identity
from propylon.router.keys import own_state

ANY = "*"
NOT_FOUND = b"404 page not found"
NOT_ALLOWED = b"405 method not allowed"
JSON = "application/json; charset=utf-8"
_SLASHES = re.compile(r"//+")


def clean_path(path: str) -> str:
    """gin's cleanPath: one slash between segments, ``.`` and ``..`` resolved, the trailing
    slash kept."""
    cleaned = posixpath.normpath(_SLASHES.sub("/", "/" + path))
    if path.endswith("/") and cleaned != "/":
        cleaned += "/"
    return cleaned


class _Template:
    """An endpoint path matched case-insensitively, to rebuild its canonical spelling."""

    def __init__(self, path: str, ignore_case: bool) -> None:
        self.pieces = PLACEHOLDER.split(path)  # literals at even indexes, names at odd
        pattern = "".join(
            re.escape(piece) if i % 2 == 0 else "([^/]+)" for i, piece in enumerate(self.pieces)
        )
        self.exact = re.compile(pattern)
        self.regex = re.compile(pattern, re.IGNORECASE) if ignore_case else self.exact

    def matches(self, path: str) -> bool:
        return self.exact.fullmatch(path) is not None

    def fixed(self, path: str) -> str | None:
        match = self.regex.fullmatch(path)
        if match is None:
            return None
        values = iter(match.groups())
        return "".join(piece if i % 2 == 0 else next(values) for i, piece in enumerate(self.pieces))


class Fallback:
    """The handler of the catch-all route, registered after every endpoint."""

    def __init__(self, identity: Identity) -> None:
        self._headers = {
            identity.header_name: identity.header_value,
            identity.completed_header: "false",
        }
        self._templates: dict[str, list[_Template]] = {}
        self.redirect_fixed_path = True
        self.redirect_trailing_slash = True
        self.method_not_allowed = True
        self.remove_extra_slash = False
        self._bodies: dict[int, tuple[bytes, str]] = {
            404: (NOT_FOUND, "text/plain"),
            405: (NOT_ALLOWED, "text/plain"),
        }

    def set_error_bodies(self, error_body: dict[str, Any]) -> None:
        """KrakenD CE's ``error_body``: ``{"404": ..., "405": ...}``, each sent as JSON."""
        for status in (404, 405):
            value = error_body.get(str(status))
            if value is not None:
                self._bodies[status] = (orjson.dumps(value), JSON)

    def _error(self, status: int, extra: dict[str, str] | None = None) -> web.Response:
        body, content_type = self._bodies[status]
        headers = {**self._headers, "Content-Type": content_type, **(extra or {})}
        return web.Response(status=status, body=body, headers=headers)

    def add(self, method: str, path: str) -> None:
        self._templates.setdefault(method, []).append(_Template(path, self.redirect_fixed_path))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.remove_extra_slash and "//" in request.raw_path:
            return await self._reroute(request)
        path = request.path
        if self.method_not_allowed:
            allowed = sorted(
                m
                for m, ts in self._templates.items()
                if m != ANY and any(t.matches(path) for t in ts)
            )
            if allowed:
                return self._error(405, {"Allow": ", ".join(allowed)})
        location = self._fixed_path(request)
        if location is not None:
            return _redirect(request, location)
        return self._error(404)

    async def _reroute(self, request: web.Request) -> web.StreamResponse:
        """The request routed again under its clean path, its params kept as those of a
        request a router plugin rewrote."""
        url = request.rel_url
        path = clean_path(url.raw_path)
        clone = request.clone(
            rel_url=URL.build(path=path, query_string=url.raw_query_string, encoded=True)
        )
        match_info = await request.app.router.resolve(clone)
        if match_info.http_exception is not None or match_info.handler == self.handle:
            return await self.handle(clone)
        own_state(clone).route_match = match_info
        response: web.StreamResponse = await match_info.handler(clone)
        return response

    def _fixed_path(self, request: web.Request) -> str | None:
        path = request.path
        if path == "/" or request.method == "CONNECT":
            return None
        cleaned = clean_path(path)
        candidates = [cleaned]
        if self.redirect_trailing_slash:
            candidates.append(cleaned[:-1] if cleaned.endswith("/") else cleaned + "/")
        templates = self._templates.get(request.method, []) + self._templates.get(ANY, [])
        for template in templates:
            for candidate in candidates:
                fixed = template.fixed(candidate)
                if fixed is not None and fixed != path:
                    query = request.rel_url.raw_query_string
                    return fixed + ("?" + query if query else "")
        return None


def _redirect(request: web.Request, location: str) -> web.Response:
    if request.method == "GET":
        body = f'<a href="{escape(location)}">Moved Permanently</a>.\n\n'.encode()
        headers = {"Location": location, "Content-Type": "text/html; charset=utf-8"}
        return web.Response(status=301, body=body, headers=headers)
    return web.Response(status=307, headers={"Location": location})
