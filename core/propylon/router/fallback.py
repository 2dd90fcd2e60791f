"""What the router answers when no endpoint matches: a redirect to the fixed path, 405 or 404.

Like KrakenD's router: a path that differs only in case or in a trailing slash is
redirected (301 for GET, 307 otherwise); a path served for other methods answers 405 with
``Allow``; anything else 404.
"""

from __future__ import annotations

import posixpath
import re
from html import escape

from aiohttp import web

from propylon.config.params import PLACEHOLDER
from propylon.identity import Identity

ANY = "*"
NOT_FOUND = b"404 page not found"
NOT_ALLOWED = b"405 method not allowed"


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

    def add(self, method: str, path: str) -> None:
        self._templates.setdefault(method, []).append(_Template(path, self.redirect_fixed_path))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        allowed = sorted(
            m for m, ts in self._templates.items() if m != ANY and any(t.matches(path) for t in ts)
        )
        if allowed:
            headers = {**self._headers, "Content-Type": "text/plain", "Allow": ", ".join(allowed)}
            return web.Response(status=405, body=NOT_ALLOWED, headers=headers)
        location = self._fixed_path(request)
        if location is not None:
            return _redirect(request, location)
        return web.Response(
            status=404, body=NOT_FOUND, headers={**self._headers, "Content-Type": "text/plain"}
        )

    def _fixed_path(self, request: web.Request) -> str | None:
        path = request.path
        if path == "/" or request.method == "CONNECT":
            return None
        cleaned = posixpath.normpath(path) + ("/" if path.endswith("/") else "")
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
