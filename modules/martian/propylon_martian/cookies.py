"""Martian's ``cookie`` package: a cookie added to the request (``Cookie``) or set on the
response (``Set-Cookie``, written as Go's ``http.Cookie.String``), and a filter on one."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from propylon_martian.definition import DefinitionError, Fields, Result, modifier, new_result
from propylon_martian.filters import new_filter
from propylon_martian.message import BackendRequest, BackendResponse

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_DOMAIN = re.compile(r"^\.?[0-9A-Za-z_]([0-9A-Za-z_\-.]*[0-9A-Za-z_])?$|^[0-9a-fA-F:.]+$")
_FIRST_VALID_EXPIRY = 1601


def _value(value: str) -> str:
    """Go's ``sanitizeCookieValue``: bytes a cookie value cannot hold dropped, quoted when it
    holds a space or a comma."""
    kept = "".join(c for c in value if " " <= c < "\x7f" and c not in '";\\')
    return f'"{kept}"' if (" " in kept or "," in kept) else kept


class SetCookie:
    def __init__(
        self,
        name: str,
        value: str,
        path: str,
        domain: str,
        expires: datetime | None,
        max_age: int,
        secure: bool,
        http_only: bool,
    ) -> None:
        self.name, self.value = name, _value(value)
        parts = [f"{name}={self.value}"]
        if path:
            parts.append("Path=" + "".join(c for c in path if " " <= c < "\x7f" and c != ";"))
        if domain:
            parts.append(f"Domain={domain.removeprefix('.')}")
        if expires is not None and expires.astimezone(UTC).year >= _FIRST_VALID_EXPIRY:
            parts.append(f"Expires={expires.astimezone(UTC):%a, %d %b %Y %H:%M:%S} GMT")
        if max_age > 0:
            parts.append(f"Max-Age={max_age}")
        elif max_age < 0:
            parts.append("Max-Age=0")
        if http_only:
            parts.append("HttpOnly")
        if secure:
            parts.append("Secure")
        self.set_cookie = "; ".join(parts)

    def modify_request(self, req: BackendRequest) -> None:
        pair = f"{self.name}={self.value}"
        current = req.headers.get("Cookie", "")
        req.headers["Cookie"] = f"{current}; {pair}" if current else pair

    def modify_response(self, res: BackendResponse) -> None:
        res.headers.add("Set-Cookie", self.set_cookie)


def _cookie_pairs(lines: list[str], first_only: bool) -> list[tuple[str, str]]:
    pairs = []
    for line in lines:
        for part in line.split(";")[:1] if first_only else line.split(";"):
            name, sep, value = part.strip().partition("=")
            if sep and _TOKEN.match(name):
                value = value[1:-1] if len(value) > 1 and value[0] == value[-1] == '"' else value
                pairs.append((name, value))
    return pairs


class CookieMatcher:
    """``cookie.Filter``'s condition: a cookie of the request (``Cookie``) or set by the
    response (``Set-Cookie``) has the name (and the value, when given)."""

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def _match(self, pairs: list[tuple[str, str]]) -> bool:
        return any(n == self.name and (not self.value or v == self.value) for n, v in pairs)

    def match_request(self, req: BackendRequest) -> bool:
        return self._match(_cookie_pairs(req.headers.getall("Cookie", []), first_only=False))

    def match_response(self, res: BackendResponse) -> bool:
        return self._match(_cookie_pairs(res.headers.getall("Set-Cookie", []), first_only=True))


def _name(fields: Fields) -> str:
    name = fields.string("name", required=True)
    if not _TOKEN.match(name):
        raise DefinitionError(fields.path("name"), f"{name!r} is not a valid cookie name")
    return name


@modifier(
    "cookie.Modifier", "name", "value", "path", "domain", "expires", "secure", "httpOnly", "maxAge"
)
def _set(fields: Fields) -> Result:
    domain = fields.string("domain")
    if domain and not _DOMAIN.match(domain):
        raise DefinitionError(fields.path("domain"), f"{domain!r} is not a valid cookie domain")
    cookie = SetCookie(
        _name(fields),
        fields.string("value"),
        fields.string("path"),
        domain,
        fields.timestamp("expires"),
        fields.integer("maxAge", -(2**31), 2**31 - 1),
        fields.boolean("secure"),
        fields.boolean("httpOnly"),
    )
    return new_result(fields, cookie)


@modifier("cookie.Filter", "name", "value", "modifier", "else")
def _filter(fields: Fields) -> Result:
    return new_result(
        fields, new_filter(fields, CookieMatcher(_name(fields), fields.string("value")))
    )
