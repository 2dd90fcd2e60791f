"""What a request gets, decided as unrolled/secure (KrakenD's ``security/http``) decides it.

In order: a host not allowed is refused (500 ``Bad Host``, before anything else runs); a
plain-HTTP request is redirected to HTTPS (301) when ``ssl_redirect`` is on; any other request
goes on, and its response gets the security headers. A request counts as HTTPS when it came
over TLS or carries one of ``ssl_proxy_headers`` with exactly its value. ``is_development``
turns off the host check, the redirect and ``Strict-Transport-Security``.
"""

from __future__ import annotations

import base64
import html
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from propylon_http_secure.options import HttpSecureOptions

NONCE = "$NONCE"
NONCE_BYTES = 16


@dataclass(frozen=True, slots=True)
class Incoming:
    """What the decision reads of a request."""

    method: str
    host: str  # the Host header as sent ("" when absent)
    headers: Mapping[str, str]  # case-insensitive
    tls: bool
    target: str  # path and query as sent


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


BAD_HOST = Refusal(
    500,
    (("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff")),
    b"Bad Host\n",
)


class Policy:
    def __init__(self, options: HttpSecureOptions) -> None:
        self.options = options
        production = not options.is_development
        self.check_hosts = bool(options.allowed_hosts) and production
        self.allowed = frozenset(h.lower() for h in options.allowed_hosts)
        self.redirect = options.ssl_redirect and production
        self.sts = ""
        if options.sts_seconds and production:
            self.sts = f"max-age={options.sts_seconds}"
            if options.sts_include_subdomains:
                self.sts += "; includeSubDomains"
        self.fixed = _fixed_headers(options)
        self.csp = options.content_security_policy
        self.nonce = NONCE in self.csp

    def decide(self, request: Incoming) -> Refusal | list[tuple[str, str]]:
        """A refusal to send instead of the response, or the headers the response gets."""
        host = self._host(request)
        if self.check_hosts and not self._allowed(host):
            return BAD_HOST
        tls = self._tls(request)
        if self.redirect and not tls:
            return self._redirect(request, host)
        headers: list[tuple[str, str]] = []
        if self.sts and (tls or self.options.force_sts_header):
            headers.append(("Strict-Transport-Security", self.sts))
        headers.extend(self.fixed)
        if self.csp:
            headers.append(("Content-Security-Policy", self._csp()))
        return headers

    def _host(self, request: Incoming) -> str:
        for name in self.options.host_proxy_headers:
            value = request.headers.get(name, "")
            if value:
                return value
        return request.host

    def _allowed(self, host: str) -> bool:
        patterns = self.options.host_patterns
        if patterns:
            return any(p.search(host) for p in patterns)
        return host.lower() in self.allowed

    def _tls(self, request: Incoming) -> bool:
        if request.tls:
            return True
        return any(
            request.headers.get(name, "") == value
            for name, value in self.options.ssl_proxy_headers.items()
        )

    def _redirect(self, request: Incoming, host: str) -> Refusal:
        """Go's ``http.Redirect``: a short HTML body for GET, its type for GET and HEAD."""
        url = f"https://{self.options.ssl_host or host}{request.target}"
        headers = [("Location", _escape_non_ascii(url))]
        body = b""
        if request.method in ("GET", "HEAD"):
            headers.append(("Content-Type", "text/html; charset=utf-8"))
        if request.method == "GET":
            body = f'<a href="{_html(url)}">Moved Permanently</a>.\n\n'.encode()
        return Refusal(301, tuple(headers), body)

    def _csp(self) -> str:
        if not self.nonce:
            return self.csp
        nonce = base64.b64encode(secrets.token_bytes(NONCE_BYTES)).decode().rstrip("=")
        return self.csp.replace(NONCE, f"'nonce-{nonce}'")


def _fixed_headers(options: HttpSecureOptions) -> list[tuple[str, str]]:
    """The headers every response gets whatever the request."""
    headers = []
    frame = options.custom_frame_options_value or ("DENY" if options.frame_deny else "")
    if frame:
        headers.append(("X-Frame-Options", frame))
    if options.content_type_nosniff:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if options.browser_xss_filter:
        headers.append(("X-XSS-Protection", "1; mode=block"))
    if options.referrer_policy:
        headers.append(("Referrer-Policy", options.referrer_policy))
    return headers


def _escape_non_ascii(url: str) -> str:
    return "".join(c if c.isascii() else "".join(f"%{b:02x}" for b in c.encode()) for c in url)


def _html(text: str) -> str:
    """Go's html escaping of the five significant characters."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
