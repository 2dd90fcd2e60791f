"""Real gateways for the ratelimit tests: ``propylon run`` processes (``GatewayProcess``, with
their workers) and requests sent on fresh connections from any loopback address, each told
which worker process accepted it."""

from __future__ import annotations

import contextlib
import http.client
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from propylon.sdk.testing import GatewayProcess


@dataclass
class Answer:
    status: int
    seconds: float
    worker: int  # pid of the process that accepted the connection (0: unknown)


class ListeningGateway(GatewayProcess):
    """A ``propylon run`` process ready only once every worker listens: before, the kernel
    hands every connection to the workers already listening."""

    def start(self, timeout: float = 20.0) -> ListeningGateway:
        super().start(timeout)
        deadline = time.monotonic() + timeout
        while not self.every_worker_listens():
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"workers not listening after {timeout}s:\n{self.log()}")
            time.sleep(0.05)
        return self

    def every_worker_listens(self) -> bool:
        pids = self.worker_pids()
        listening = socket_inodes(f":{self.port:04X}", LISTEN)
        return len(pids) >= self.workers and all(sockets_of(pid) & listening for pid in pids)


def gateway_process(config: dict[str, Any], folder: Path, workers: int = 1) -> ListeningGateway:
    """The gateway of a version 3 ``config`` (its ``version`` implied), logging warnings only,
    its files in ``folder``."""
    document = {"version": 3, **config}
    return ListeningGateway(document, workers, args=["-l", "WARNING"], folder=folder)


def get(
    url: str,
    headers: dict[str, str] | None = None,
    source: str | None = None,
    workers: Sequence[int] = (),
) -> Answer:
    """One GET on a fresh connection from ``source`` (a loopback address); the connection is
    looked up in /proc, while still open, to find which of ``workers`` accepted it."""
    parts = urlsplit(url)
    port = parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(
        parts.hostname, port, timeout=10, source_address=(source, 0) if source else None
    )
    started = time.monotonic()
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        resp.read()
        seconds = time.monotonic() - started
        worker = owner(port, conn.sock.getsockname()[1], workers) if workers else 0
        return Answer(resp.status, seconds, worker)
    finally:
        conn.close()


LISTEN = "0A"  # the state of a listening socket in /proc/net/tcp


def socket_inodes(local: str, state: str = "", remote: str = "") -> set[str]:
    """Inodes of the TCP sockets whose local (and remote) address ends with the given
    ``:PORT`` (hex), in ``state`` when given."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            ours = fields[1].endswith(local) and fields[2].endswith(remote)
            if ours and (not state or fields[3] == state):
                inodes.add(fields[9])
    return inodes


def sockets_of(pid: int) -> set[str]:
    """Inodes of the sockets ``pid`` holds."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    found.add(target[8:-1])
    return found


def owner(server_port: int, client_port: int, pids: Sequence[int]) -> int:
    """The pid among ``pids`` holding the server side of the connection from ``client_port``."""
    inodes = socket_inodes(f":{server_port:04X}", remote=f":{client_port:04X}")
    return next((pid for pid in pids if sockets_of(pid) & inodes), 0)


def burst(
    url: str,
    count: int,
    headers: dict[str, str] | None = None,
    source: str | None = None,
    workers: Sequence[int] = (),
    parallel: int = 8,
) -> list[Answer]:
    """``count`` GETs, ``parallel`` at a time, each on a fresh connection."""
    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(lambda _: get(url, headers, source, workers), range(count)))


def statuses(answers: Sequence[Answer]) -> dict[int, int]:
    counted: dict[int, int] = {}
    for answer in answers:
        counted[answer.status] = counted.get(answer.status, 0) + 1
    return counted


def endpoint(
    path: str, host: str, router: dict[str, Any] | None = None, **more: Any
) -> dict[str, Any]:
    """An endpoint on the backend at ``host`` with ``router`` as its qos/ratelimit/router."""
    config: dict[str, Any] = {
        "endpoint": path,
        "backend": [{"host": [host], "url_pattern": "/echo"}],
        **more,
    }
    if router is not None:
        config["extra_config"] = {"qos/ratelimit/router": router}
    return config
