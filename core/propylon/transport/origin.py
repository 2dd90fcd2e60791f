"""The kept-alive connections to one backend origin (scheme, host and port), as Go's
transport keeps them for KrakenD: the most recently used first, idle ones bounded in number
and in age."""

from __future__ import annotations

import asyncio
import base64
import ssl
from dataclasses import dataclass
from urllib.parse import unquote

from propylon.transport.budget import MemoryBudget
from propylon.transport.errors import ConnectFailed
from propylon.transport.wire import Connection

# Go's defaults for KrakenD's client: idle connections kept per host, and how long.
MAX_IDLE_PER_ORIGIN = 250
IDLE_TIMEOUT = 90.0
_PORTS = {"http": 80, "https": 443}


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
        connect_timeout: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        self.address = address
        self.budget = budget
        self.connect_timeout = connect_timeout
        self.tls = tls
        self.name = f"{address.host}:{address.port}"
        self._idle: list[Connection] = []
        self._open: set[Connection] = set()
        self._retired = False

    def idle(self, now: float) -> Connection | None:
        """The most recently kept connection still open and young enough, if any."""
        idle = self._idle
        while idle:
            conn = idle.pop()
            if not conn.closed and now - conn.idle_since < IDLE_TIMEOUT:
                return conn
            self._drop(conn)
        return None

    async def connect(self) -> Connection:
        address = self.address
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, conn = await loop.create_connection(
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
        self._open.add(conn)
        return conn

    def keep(self, conn: Connection, now: float) -> None:
        """Back to the idle ones if its last exchange ended cleanly, else closed."""
        if self._retired or not conn.reusable or len(self._idle) >= MAX_IDLE_PER_ORIGIN:
            self._drop(conn)
            return
        conn.idle_since = now
        self._idle.append(conn)

    def _drop(self, conn: Connection) -> None:
        conn.close()
        self._open.discard(conn)

    def retire(self) -> None:
        """No longer kept by the pool: idle connections close now, busy ones when done."""
        self._retired = True
        for conn in self._idle:
            self._drop(conn)
        self._idle.clear()

    def close(self) -> None:
        for conn in list(self._open):
            conn.close()
        self._open.clear()
        self._idle.clear()
