"""Martian's ``martianurl`` (registered as ``url.*``) and ``port`` packages: the backend URL
rewritten or matched, in Go's ``url.URL`` parts (``host`` with its port)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from propylon_martian.definition import DefinitionError, Fields, Result, modifier, new_result
from propylon_martian.errors import ModifierError
from propylon_martian.filters import new_filter
from propylon_martian.message import BackendRequest, BackendResponse
from propylon_martian.regex import compile_field
from propylon_martian.verifiers import report

DEFAULT_PORTS = {"http": 80, "https": 443}


def match_host(host: str, match: str) -> bool:
    """Martian's ``MatchHost``: equal, or equal but for ``*`` labels (``*.example.com``)."""
    if not host:
        return False
    if host == match:
        return True
    hi = len(host) - 1
    for mi in range(len(match) - 1, -1, -1):
        if match[mi] == "*":
            while hi > 0 and host[hi] != ".":
                hi -= 1
            if mi == 0 and hi == 0:
                return True
            continue
        if host[hi] != match[mi]:
            return False
        if hi == 0:
            return mi == 0
        hi -= 1
    return False


@dataclass(frozen=True)
class Parts:
    """The URL parts a ``url.*`` modifier names; an empty one is left alone or not checked."""

    scheme: str = ""
    host: str = ""
    path: str = ""
    query: str = ""

    @classmethod
    def of(cls, fields: Fields) -> Parts:
        return cls(*(fields.string(name) for name in ("scheme", "host", "path", "query")))

    def failures(self, req: BackendRequest) -> list[tuple[str, str, str]]:
        checks = (
            ("Scheme", req.scheme, self.scheme, self.scheme == req.scheme),
            ("Host", req.host, self.host, match_host(req.host, self.host)),
            ("Path", req.path, self.path, self.path == req.path),
            ("Query", req.raw_query, self.query, self.query == req.raw_query),
        )
        return [(name, got, want) for name, got, want, same in checks if want and not same]

    def match_request(self, req: BackendRequest) -> bool:
        return not self.failures(req)

    def match_response(self, res: BackendResponse) -> bool:
        return self.match_request(res.request)


class SetURL:
    """``url.Modifier``: replaces each part given (the request then goes where it says)."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts

    def modify_request(self, req: BackendRequest) -> None:
        if self.parts.scheme:
            req.scheme = self.parts.scheme
        if self.parts.host:
            req.host = self.parts.host
        if self.parts.path:
            req.set_path(self.parts.path)
        if self.parts.query:
            req.raw_query = self.parts.query


class RegexMatcher:
    """``url.RegexFilter``'s condition: the whole URL matches."""

    def __init__(self, pattern: Any) -> None:
        self.pattern = pattern

    def match_request(self, req: BackendRequest) -> bool:
        return self.pattern.search(req.url()) is not None

    def match_response(self, res: BackendResponse) -> bool:
        return self.match_request(res.request)


class URLVerifier:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts

    def modify_request(self, req: BackendRequest) -> None:
        failures = self.parts.failures(req)
        if failures:
            lines = "\n".join(
                f'\t{name}: got "{got}", want "{want}"' for name, got, want in failures
            )
            report(f"request({req.url()}) url verify failure:\n{lines}")


def _split_port(host: str) -> tuple[str, int | None]:
    """Go's ``net.SplitHostPort`` where the host has a port."""
    if ":" not in host:
        return host, None
    name, sep, port = host.rpartition(":")
    if not sep or not port.isdigit() or (":" in name and not name.startswith("[")):
        raise ModifierError(f"address {host}: invalid port")
    return name.strip("[]"), int(port)


def _join(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class SetPort:
    """``port.Modifier``: the URL's port set, set to the scheme's default, or removed."""

    def __init__(self, port: int, default_for_scheme: bool, remove: bool) -> None:
        self.port, self.default_for_scheme, self.remove = port, default_for_scheme, remove

    def modify_request(self, req: BackendRequest) -> None:
        host, _ = _split_port(req.host)
        if self.remove:
            address = host
        elif self.default_for_scheme:
            if req.scheme not in DEFAULT_PORTS:
                return
            address = _join(host, DEFAULT_PORTS[req.scheme])
        else:
            address = _join(host, self.port)
        req.host = address
        req.headers["Host"] = address


class PortFilter:
    """``port.Filter``: runs its modifier when the URL's port (or its scheme's default) is
    ``port``; it has no ``else``."""

    def __init__(self, port: int, then: Result) -> None:
        self.port, self.then = port, then

    def _matches(self, req: BackendRequest) -> bool:
        _, port = _split_port(req.host)
        return (port if port is not None else DEFAULT_PORTS.get(req.scheme, 0)) == self.port

    def modify_request(self, req: BackendRequest) -> None:
        if self.then.request is not None and self._matches(req):
            self.then.request.modify_request(req)

    def modify_response(self, res: BackendResponse) -> None:
        if self.then.response is not None and self._matches(res.request):
            self.then.response.modify_response(res)


@modifier("url.Modifier", "scheme", "host", "path", "query")
def _set(fields: Fields) -> Result:
    return new_result(fields, SetURL(Parts.of(fields)))


@modifier("url.Filter", "scheme", "host", "path", "query", "modifier", "else")
def _filter(fields: Fields) -> Result:
    return new_result(fields, new_filter(fields, Parts.of(fields)))


@modifier("url.RegexFilter", "regex", "modifier", "else")
def _regex_filter(fields: Fields) -> Result:
    return new_result(fields, new_filter(fields, RegexMatcher(compile_field(fields, "regex"))))


@modifier("url.Verifier", "scheme", "host", "path", "query")
def _verifier(fields: Fields) -> Result:
    return new_result(fields, URLVerifier(Parts.of(fields)))


@modifier("port.Modifier", "port", "defaultForScheme", "remove")
def _set_port(fields: Fields) -> Result:
    port = fields.integer("port", 0, 65535)
    default_for_scheme, remove = fields.boolean("defaultForScheme"), fields.boolean("remove")
    if [bool(port), default_for_scheme, remove].count(True) != 1:
        raise DefinitionError(
            fields.at, "must specify only one of port, defaultForScheme or remove"
        )
    return new_result(fields, SetPort(port, default_for_scheme, remove))


@modifier("port.Filter", "port", "modifier")
def _port_filter(fields: Fields) -> Result:
    port = fields.integer("port", 0, 65535)
    return new_result(fields, PortFilter(port, fields.modifier("modifier")))  # type: ignore[arg-type]
