"""The service's HTTP client settings, KrakenD's keys for Go's transport, read once.

Lura builds Go's ``http.Transport`` from these service keys; here they set the backend
connection pool (``propylon.transport``). Zero means what it means to Lura: the default,
except ``idle_connection_timeout``, which Go leaves unlimited and this gateway bounds to 90 s
(a backend drops idle connections anyway; an unbounded pool only holds sockets longer).
"""

from __future__ import annotations

from dataclasses import dataclass

# Lura's DefaultMaxIdleConnsPerHost, and the idle bound kept when none is set.
DEFAULT_MAX_IDLE_PER_HOST = 250
DEFAULT_IDLE_TIMEOUT = 90.0
# Go's net.Dialer: how long a connection may take when dialer_timeout is 0 is the OS's; this
# gateway bounds it, and the endpoint's timeout bounds it further.
DEFAULT_CONNECT_TIMEOUT = 10.0
# Go's net.Dialer sends TCP keep-alive probes every 15 s when dialer_keep_alive is 0.
DEFAULT_TCP_KEEP_ALIVE = 15.0


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Seconds for times (0: none), counts of connections (0: no limit)."""

    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT  # dialer_timeout
    tcp_keep_alive: float = DEFAULT_TCP_KEEP_ALIVE  # dialer_keep_alive
    max_idle_per_host: int = DEFAULT_MAX_IDLE_PER_HOST  # max_idle_connections_per_host
    max_idle: int = 0  # max_idle_connections: across every backend host
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT  # idle_connection_timeout
    response_header_timeout: float = 0.0  # from the request sent to the response's head
    disable_keep_alives: bool = False  # a connection per request, "Connection: close" sent
    disable_compression: bool = False  # no "Accept-Encoding: gzip" added to requests
