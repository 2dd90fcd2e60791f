"""A topic or subscription URL, as gocloud.dev reads it: the scheme names the driver, host and
path the topic (or subject, exchange, queue), the query the driver's options."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from propylon.sdk import BackendConfig

Kind = Literal["topic", "subscription"]

# Query parameters each driver accepts, per kind, as gocloud.dev's URL openers accept them.
QUERY: dict[str, dict[Kind, frozenset[str]]] = {
    "mem": {"topic": frozenset(), "subscription": frozenset({"ackdeadline"})},
    "nats": {"topic": frozenset({"natsv2"}), "subscription": frozenset({"natsv2", "queue"})},
    "rabbit": {"topic": frozenset({"key_name"}), "subscription": frozenset({"prefetch_count"})},
}
SUPPORTED = tuple(QUERY)
# The environment variable holding each networked driver's server, as gocloud.dev reads it.
SERVER_ENV = {"nats": "NATS_SERVER_URL", "rabbit": "RABBIT_SERVER_URL"}


class BadURL(ValueError):
    """A URL this gateway cannot open; the message is one line naming the cause."""


@dataclass(frozen=True, slots=True)
class BrokerURL:
    text: str
    scheme: str
    name: str
    query: dict[str, list[str]]

    def option(self, key: str) -> str | None:
        values = self.query.get(key)
        return values[0] if values else None


def broker_url(backend: BackendConfig, name: str, kind: Kind) -> BrokerURL:
    """The backend's first host joined with ``name`` (KrakenD concatenates them)."""
    if not backend.host:
        raise BadURL('no host: set the backend\'s host to the driver, such as ["nats://"]')
    host = backend.host[0]
    if host.endswith(":") and "://" not in host:
        host += "//"  # "nats://" as host sanitizing left it
    text = host + name
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in QUERY:
        raise BadURL(
            f"the pubsub driver {scheme or text!r} is not available here; "
            f"supported: {', '.join(s + '://' for s in SUPPORTED)}"
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - QUERY[scheme][kind])
    if unknown:
        allowed = ", ".join(sorted(QUERY[scheme][kind])) or "none"
        raise BadURL(f"{scheme}:// {kind} option {unknown[0]!r} unknown (accepted: {allowed})")
    path = posixpath.join(parts.netloc, parts.path.lstrip("/")) if parts.path else parts.netloc
    if not path:
        raise BadURL(f"{text!r} names no {kind}")
    return BrokerURL(text, scheme, path, query)
