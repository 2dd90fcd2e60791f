"""What a CORS request gets back, decided as rs/cors (KrakenD's CORS library) decides it.

A refused request is not an error: it simply gets no ``Access-Control-Allow-*`` headers and the
browser blocks it. ``Vary`` is always set, so caches keep allowed and refused answers apart.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from multidict import CIMultiDict, MultiMapping

from propylon_cors.headerset import HeaderSet
from propylon_cors.options import CorsOptions
from propylon_cors.origins import Origins

SIMPLE_METHODS = ("GET", "POST", "HEAD")  # rs/cors' default when allow_methods is empty
NO_CONTENT = 204  # rs/cors' default options_success_status
PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
PRIVATE_NETWORK = "Access-Control-Request-Private-Network"

Headers = MultiMapping[str] | Mapping[str, str]


@dataclass
class Answer:
    """Headers to add to the response; ``vary`` is appended, the rest set if absent."""

    vary: str
    headers: CIMultiDict[str] = field(default_factory=CIMultiDict)


class Policy:
    """Empty lists take rs/cors' defaults: every origin, every header, the simple methods."""

    def __init__(self, options: CorsOptions, log: logging.Logger | None = None) -> None:
        self.options = options
        self.origins = Origins(options.allow_origins or ("*",))
        self.headers = HeaderSet(options.allow_headers or ("*",))
        self.methods = frozenset(options.allow_methods or SIMPLE_METHODS)
        self.expose = ", ".join(canonical(h) for h in options.expose_headers)
        self.passthrough = options.options_passthrough
        self.success_status = options.options_success_status or NO_CONTENT
        seconds = int(options.max_age)
        self.max_age = str(seconds) if seconds > 0 else ""
        self.vary = PREFLIGHT_VARY
        if options.allow_private_network:
            self.vary += f", {PRIVATE_NETWORK}"
        self.log = log if options.debug else None

    @staticmethod
    def is_preflight(method: str, headers: Headers) -> bool:
        return method == "OPTIONS" and bool(headers.get("Access-Control-Request-Method", ""))

    def preflight(self, headers: MultiMapping[str]) -> Answer:
        answer = Answer(self.vary)
        origin = headers.get("Origin", "")
        if not origin:
            return self._refuse(answer, "Preflight aborted: empty origin")
        if not self.origins.allows(origin):
            return self._refuse(answer, f"Preflight aborted: origin {origin!r} not allowed")
        method = headers.get("Access-Control-Request-Method", "")
        if not self._method_allowed(method):
            return self._refuse(answer, f"Preflight aborted: method {method!r} not allowed")
        requested = headers.getall("Access-Control-Request-Headers", [])
        if requested and not self.headers.accepts(requested):
            return self._refuse(answer, f"Preflight aborted: headers {requested} not allowed")
        out = answer.headers
        self._allow_origin(out, headers)
        out["Access-Control-Allow-Methods"] = method
        if requested and requested[0]:
            for value in requested:
                out.add("Access-Control-Allow-Headers", value)
        if self.options.allow_credentials:
            out["Access-Control-Allow-Credentials"] = "true"
        if self.options.allow_private_network and headers.get(PRIVATE_NETWORK) == "true":
            out["Access-Control-Allow-Private-Network"] = "true"
        if self.max_age:
            out["Access-Control-Max-Age"] = self.max_age
        self._debug("Preflight response headers: %s", dict(out))
        return answer

    def actual(self, method: str, headers: MultiMapping[str]) -> Answer:
        answer = Answer("Origin")
        origin = headers.get("Origin", "")
        if not origin:
            return self._refuse(answer, "Actual request no headers added: missing origin")
        if not self.origins.allows(origin):
            return self._refuse(answer, f"Actual request: origin {origin!r} not allowed")
        # Not required by the spec, but lets a configuration refuse a simple GET or POST too.
        if not self._method_allowed(method):
            return self._refuse(answer, f"Actual request: method {method!r} not allowed")
        out = answer.headers
        self._allow_origin(out, headers)
        if self.expose:
            out["Access-Control-Expose-Headers"] = self.expose
        if self.options.allow_credentials:
            out["Access-Control-Allow-Credentials"] = "true"
        self._debug("Actual response added headers: %s", dict(out))
        return answer

    def _method_allowed(self, method: str) -> bool:
        return method == "OPTIONS" or method in self.methods

    def _allow_origin(self, out: CIMultiDict[str], headers: MultiMapping[str]) -> None:
        if self.origins.all:
            out["Access-Control-Allow-Origin"] = "*"
        else:
            for origin in headers.getall("Origin"):
                out.add("Access-Control-Allow-Origin", origin)

    def _refuse(self, answer: Answer, reason: str) -> Answer:
        self._debug("%s", reason)
        return answer

    def _debug(self, message: str, *args: object) -> None:
        if self.log is not None:
            self.log.debug("[CORS] " + message, *args)


def canonical(name: str) -> str:
    """Go's CanonicalHeaderKey: ``content-length`` -> ``Content-Length``."""
    if not name or any(not (c.isalnum() or c in "!#$%&'*+-.^_`|~") for c in name):
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))
