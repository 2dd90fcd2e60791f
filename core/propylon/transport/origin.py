"""The kept-alive connections to one backend origin (scheme, host and port), as Go's
transport keeps them for KrakenD: the most recently used first, idle ones bounded in number
(per origin and across them) and in age, as the service's client settings say
(``propylon.config.client``)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import unquote

from propylon.config.client import ClientOptions
from propylon.transport.budget import MemoryBudget
from propylon.transport.errors import ConnectFailed
from propylon.transport.wire import Connection

_PORTS = {"http": 80, "https": 443}


class IdleCount:
    """The idle connections kept across a pool's origins, against ``max_idle_connections``."""

    __slots__ = ("count", "limit")

    def __init__(self, limit: int) -> None:
        self.count = 0
        self.limit = limit  # 0: no limit

    def full(self) -> bool:
        return 0 < self.limit <= self.count


@dataclass(frozen=True, slots=True)
class Address:
    """Where an origin is, and what its requests carry because of it."""

    scheme: str
    host: str
    port: int
    # The Host header: the URL's host and port, without credentials.
    authority: str
    # ``Authorization: Basic ...`` from credentials written in the URL, as Go's client sends.
    basic: str = ""

    @classmethod
    def parse(cls, origin: str) -> Address:
        """``origin`` is ``scheme://[user[:password]@]host[:port]``."""
        scheme, sep, authority = origin.partition("://")
        scheme = scheme.lower()
        basic = ""
        if "@" in authority:  # never repeated in a message: it holds a password
            credentials, _, authority = authority.rpartition("@")
            basic = "Basic " + base64.b64encode(unquote(credentials).encode()).decode()
        shown = f"{scheme}://{authority}"
        if not sep or scheme not in _PORTS:
            raise ValueError(f"unsupported URL scheme in {shown!r}: use http or https")
        host, number = authority, ""
        if authority.startswith("["):
            end = authority.find("]")
            host, number = authority[1:end], authority[end + 1 :].removeprefix(":")
        elif ":" in authority:
            host, _, number = authority.rpartition(":")
        port = int(number) if number.isdigit() else _PORTS[scheme] if not number else 0
        if not host or not 0 < port < 65536:
            raise ValueError(f"invalid host or port in {shown!r}")
        return cls(scheme, host, port, authority, basic)


class Origin:
    """Hands out a connection, a kept one when it can."""

    def __init__(
        self,
        address: Address,
        budget: MemoryBudget,
        options: ClientOptions,
        idle: IdleCount,
        tls: ssl.SSLContext | None,
    ) -> None:
        self.address = address
        self.budget = budget
        self.options = options
        self.tls = tls
        self._counted = idle
        self.name = f"{address.host}:{address.port}"
        self._idle: list[Connection] = []
        self._open: set[Connection] = set()
        self._retired = False

    def idle(self, now: float) -> Connection | None:
        """The most recently kept connection still open and young enough, if any."""
        idle = self._idle
        limit = self.options.idle_timeout
        while idle:
            conn = idle.pop()
            self._counted.count -= 1
            if not conn.closed and now - conn.idle_since < limit:
                return conn
            self._drop(conn)
        return None

    async def connect(self) -> Connection:
        address = self.address
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.options.connect_timeout):
                transport, conn = await loop.create_connection(
                    lambda: Connection(self.name, self.budget),
                    address.host,
                    address.port,
                    ssl=self.tls,
                    server_hostname=address.host if self.tls is not None else None,
                )
        except TimeoutError as exc:
            raise ConnectFailed(self.name, TimeoutError("connect timed out")) from exc
        except (OSError, ssl.SSLError) as exc:
            raise ConnectFailed(self.name, exc) from exc
        _probe_liveness(transport, self.options.tcp_keep_alive)
        self._open.add(conn)
        return conn

    def keep(self, conn: Connection, now: float) -> None:
        """Back to the idle ones if its last exchange ended cleanly and there is room, else
        closed (with keep-alives disabled, always)."""
        options = self.options
        if (
            self._retired
            or options.disable_keep_alives
            or not conn.reusable
            or len(self._idle) >= options.max_idle_per_host
            or self._counted.full()
        ):
            self._drop(conn)
            return
        conn.idle_since = now
        self._idle.append(conn)
        self._counted.count += 1

    def _drop(self, conn: Connection) -> None:
        conn.close()
        self._open.discard(conn)

    def retire(self) -> None:
        """No longer kept by the pool: idle connections close now, busy ones when done."""
        self._retired = True
        for conn in self._idle:
            self._drop(conn)
        self._forget_idle()

    def close(self) -> None:
        for conn in list(self._open):
            conn.close()
        self._open.clear()
        self._forget_idle()

    def _forget_idle(self) -> None:
        self._counted.count -= len(self._idle)
        self._idle.clear()


def _probe_liveness(transport: asyncio.BaseTransport, seconds: float) -> None:
    """TCP keep-alive probes every ``seconds``, as Go's dialer sends them (its KeepAlive sets
    both the idle time and the interval): a backend gone silently is found out."""
    sock = transport.get_extra_info("socket")
    if sock is None or seconds <= 0:
        return
    period = max(1, int(seconds))
    with contextlib.suppress(OSError, AttributeError):  # not every platform has them all
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, period)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, period)
