"""The backend request and response as martian's modifiers see them: Go's ``http.Request``
and ``http.Response`` reduced to what they touch.

The request's URL is kept in parts as Go's ``url.URL`` holds them (``host`` with its port,
the decoded ``path``, the ``raw_query``); ``host_header`` is Go's ``Request.Host``, the Host
sent, first the URL's host. Headers are case-insensitive and written in Go's canonical form.
``RequestHeaders``/``ResponseHeaders`` add martian's ``proxyutil`` rules: ``Host`` is
``host_header``, and on a request ``Content-Length`` and ``Transfer-Encoding`` describe the
body (which the client frames itself: setting them only checks the value).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from multidict import CIMultiDict

from propylon_martian.errors import ModifierError

# Bytes Go's url package leaves unescaped in a path.
_PATH_SAFE = "/$&+,:;=@"
_FRAMING = ("content-length", "transfer-encoding")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


def canonical(name: str) -> str:
    """Go's ``http.CanonicalHeaderKey``: ``x-my-header`` -> ``X-My-Header``."""
    if not name.isascii() or any(c in " \t:" for c in name):
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


@dataclass
class BackendRequest:
    method: str
    scheme: str
    host: str  # Go's URL.Host: host[:port]
    path: str  # decoded
    raw_query: str
    headers: CIMultiDict[str]
    body: bytes
    host_header: str
    userinfo: str = ""
    fragment: str = ""
    raw_path: str = ""  # the path as sent, while it still encodes ``path``
    content_length: int = 0
    transfer_encoding: list[str] = field(default_factory=list)
    skip_round_trip: bool = False

    @classmethod
    def of(
        cls, method: str, url: str, headers: dict[str, list[str]], body: bytes
    ) -> BackendRequest:
        parts = urlsplit(url)
        userinfo, _, host = parts.netloc.rpartition("@")
        fields: CIMultiDict[str] = CIMultiDict()
        for name, values in headers.items():
            if name.lower() != "host":
                for value in values:
                    fields.add(name, value)
        return cls(
            method=method,
            scheme=parts.scheme,
            host=host,
            path=unquote(parts.path),
            raw_query=parts.query,
            headers=fields,
            body=body,
            host_header=host,
            userinfo=userinfo,
            fragment=parts.fragment,
            raw_path=parts.path,
            content_length=len(body),
        )

    def escaped_path(self) -> str:
        """Go's ``URL.EscapedPath``: the path as received while it still matches, else
        escaped anew."""
        if self.raw_path and unquote(self.raw_path) == self.path:
            return self.raw_path
        return quote(self.path, safe=_PATH_SAFE)

    def set_path(self, path: str) -> None:
        self.path = path
        self.raw_path = ""

    def url(self, *, fragment: bool = True) -> str:
        """Go's ``URL.String`` (the fragment left out for the wire)."""
        authority = f"{self.userinfo}@{self.host}" if self.userinfo else self.host
        text = (
            f"{self.scheme}://{authority}{self.escaped_path()}"
            if self.scheme
            else self.escaped_path()
        )
        if self.raw_query:
            text += f"?{self.raw_query}"
        if fragment and self.fragment:
            text += f"#{quote(self.fragment, safe='/?$&+,:;=@!()*')}"
        return text

    def wire_headers(self) -> dict[str, list[str]]:
        """The headers to send: the Host when it differs from the URL's, never the framing
        ones (the client frames the body)."""
        out: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for name, value in self.headers.items():
            lower = name.lower()
            if lower == "host" or lower in _FRAMING:
                continue
            out.setdefault(names.setdefault(lower, name), []).append(value)
        if self.host_header and self.host_header != self.host:
            out["Host"] = [self.host_header]
        return out


@dataclass
class BackendResponse:
    status: int
    headers: CIMultiDict[str]
    body: bytes
    request: BackendRequest


class Headers:
    """Martian's ``proxyutil.Header``: a message's headers with Host and the framing headers
    kept apart, as Go keeps them in fields of the request."""

    def __init__(self, fields: CIMultiDict[str]) -> None:
        self.fields = fields

    def _special(self, name: str) -> str:
        return (
            canonical(name)
            if canonical(name) in ("Host", "Content-Length", "Transfer-Encoding")
            else ""
        )

    def set(self, name: str, value: str) -> None:
        self.fields[canonical(name)] = value

    def add(self, name: str, value: str) -> None:
        self.fields.add(canonical(name), value)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    def all(self, name: str) -> list[str] | None:
        values = self.fields.getall(name, [])
        return values if values else None

    def delete(self, name: str) -> None:
        self.fields.popall(name, None)


class RequestHeaders(Headers):
    def __init__(self, req: BackendRequest) -> None:
        super().__init__(req.headers)
        self.req = req

    def set(self, name: str, value: str) -> None:
        special = self._special(name)
        if special == "Host":
            self.req.host_header = value
        elif special == "Content-Length":
            self.req.content_length = _length(value)
        elif special == "Transfer-Encoding":
            self.req.transfer_encoding = [value]
        else:
            super().set(name, value)

    def add(self, name: str, value: str) -> None:
        special = self._special(name)
        if special == "Host" and self.req.host_header:
            raise ModifierError("proxyutil: illegal header multiple: Host")
        if special == "Content-Length" and self.req.content_length > 0:
            raise ModifierError("proxyutil: illegal header multiple: Content-Length")
        if special == "Transfer-Encoding":
            self.req.transfer_encoding.append(value)
        elif special:
            self.set(name, value)
        else:
            super().add(name, value)

    def get(self, name: str) -> str:
        values = self.all(name)
        return values[0] if values else ""

    def all(self, name: str) -> list[str] | None:
        special = self._special(name)
        if special == "Host":
            return [self.req.host_header] if self.req.host_header else None
        if special == "Content-Length":
            return [str(self.req.content_length)] if self.req.content_length > 0 else None
        if special == "Transfer-Encoding":
            return list(self.req.transfer_encoding) or None
        return super().all(name)

    def delete(self, name: str) -> None:
        special = self._special(name)
        if special == "Host":
            self.req.host_header = ""
        elif special == "Content-Length":
            self.req.content_length = -1
        elif special == "Transfer-Encoding":
            self.req.transfer_encoding = []
        else:
            super().delete(name)


class ResponseHeaders(Headers):
    def set(self, name: str, value: str) -> None:
        special = self._special(name)
        if special == "Host":
            return
        if special == "Content-Length":
            _length(value)
        super().set(name, value)

    def add(self, name: str, value: str) -> None:
        special = self._special(name)
        if special == "Host":
            return
        if special == "Content-Length":
            if self.fields.get("Content-Length", "0") not in ("", "0"):
                raise ModifierError("proxyutil: illegal header multiple: Content-Length")
            self.set(name, value)
            return
        super().add(name, value)

    def all(self, name: str) -> list[str] | None:
        return None if self._special(name) == "Host" else super().all(name)


def _length(value: str) -> int:
    if not _INTEGER.fullmatch(value):
        raise ModifierError(f'strconv.ParseInt: parsing "{value}": invalid syntax')
    return int(value)
