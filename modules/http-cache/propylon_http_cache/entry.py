"""A stored response: what the backend answered, when, and to which request headers.

Entries are kept serialised (one small JSON head line, then the body), in memory as in Redis:
the bytes are what the size accounting counts, and what another gateway reads back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from multidict import CIMultiDict, CIMultiDictProxy
from propylon.sdk import BackendResponse, Headers

from propylon_http_cache.policy import CacheControl, cache_control, http_date, lifetime, seconds

# How long Redis keeps an entry past its freshness when it can still be revalidated.
REVALIDATION_KEEP = 3600.0
# Not taken from a 304 into the stored response: they describe the 304 itself.
_NOT_REFRESHED = frozenset(
    (
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "upgrade",
    )
)


def request_values(headers: Headers, name: str) -> list[str]:
    """A request header's values, whatever the case of its name."""
    name = name.lower()
    return [v for key, values in headers.items() if key.lower() == name for v in values]


def vary_names(headers: CIMultiDictProxy[str] | CIMultiDict[str]) -> list[str]:
    names = (
        part.strip().lower() for value in headers.getall("Vary", []) for part in value.split(",")
    )
    return [name for name in names if name]


@dataclass(slots=True)
class Entry:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    url: str
    received: float  # epoch seconds the response arrived at
    varied: dict[str, str]  # each Vary header name: the value the request had
    _multi: CIMultiDict[str] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, resp: BackendResponse, request: Headers, received: float) -> Entry:
        varied = {
            name: ", ".join(request_values(request, name)) for name in vary_names(resp.headers)
        }
        return cls(resp.status, list(resp.headers.items()), resp.body, resp.url, received, varied)

    @property
    def multi(self) -> CIMultiDict[str]:
        if self._multi is None:
            self._multi = CIMultiDict(self.headers)
        return self._multi

    @property
    def cache_control(self) -> CacheControl:
        return cache_control(self.multi.getall("Cache-Control", []))

    @property
    def date(self) -> float:
        """``Date``, or the time it arrived where it has none (RFC 9110 §6.6.1)."""
        date = http_date(self.multi.get("Date"))
        return self.received if date is None else date

    def age(self, now: float) -> float:
        """RFC 9111 §4.2.3: the larger of the apparent age and ``Age``, plus time held."""
        initial = max(0.0, self.received - self.date, seconds(self.multi.get("Age")) or 0.0)
        return initial + max(0.0, now - self.received)

    def lifetime(self) -> float:
        return lifetime(self.cache_control, self.date, self.multi.get("Expires"))

    def validators(self) -> list[tuple[str, str]]:
        """The conditional headers that let the backend answer 304 Not Modified."""
        found = []
        if etag := self.multi.get("ETag"):
            found.append(("If-None-Match", etag))
        if modified := self.multi.get("Last-Modified"):
            found.append(("If-Modified-Since", modified))
        return found

    def matches(self, request: Headers) -> bool:
        return all(", ".join(request_values(request, n)) == v for n, v in self.varied.items())

    def response(self) -> BackendResponse:
        return BackendResponse(
            self.status, CIMultiDictProxy(CIMultiDict(self.headers)), self.body, self.url
        )

    def refreshed(self, not_modified: BackendResponse, received: float) -> Entry:
        """This response with the end-to-end headers of a 304 that confirmed it."""
        fresh = CIMultiDict(self.headers)
        updated = [
            (k, v) for k, v in not_modified.headers.items() if k.lower() not in _NOT_REFRESHED
        ]
        for name in {k.lower() for k, _ in updated}:
            fresh.popall(name, None)
        for key, value in updated:
            fresh.add(key, value)
        return replace(self, headers=list(fresh.items()), received=received, _multi=None)

    def keep_for(self, now: float) -> float:
        """Seconds a store shared by gateways keeps it: while it may be served or revalidated."""
        age = self.age(now)
        keep = max(0.0, self.lifetime() - age)
        directives = self.cache_control
        if "stale-if-error" in directives:
            window = seconds(directives["stale-if-error"])
            keep = max(keep, REVALIDATION_KEEP if window is None else window - age)
        if self.validators():
            keep += REVALIDATION_KEEP
        return max(1.0, keep)

    def encode(self) -> bytes:
        head = {
            "s": self.status,
            "h": self.headers,
            "u": self.url,
            "t": self.received,
            "v": self.varied,
        }
        return json.dumps(head, separators=(",", ":")).encode() + b"\n" + self.body

    @classmethod
    def decode(cls, raw: bytes) -> Entry | None:
        """None for bytes that are not an entry (another writer's key, a truncated value)."""
        head, newline, body = raw.partition(b"\n")
        if not newline:
            return None
        try:
            fields: dict[str, Any] = json.loads(head)
            return cls(
                int(fields["s"]),
                [(str(k), str(v)) for k, v in fields["h"]],
                body,
                str(fields["u"]),
                float(fields["t"]),
                {str(k): str(v) for k, v in fields["v"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
