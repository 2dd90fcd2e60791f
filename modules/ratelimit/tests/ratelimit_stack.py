"""Real gateways for the ratelimit tests: ``propylon run`` processes (with their workers) and
requests sent on fresh connections, each told which worker process accepted it."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status: int
    seconds: float
    worker: int  # pid of the process that accepted the connection (0: unknown)


class PortTaken(Exception):
    pass


@dataclass
class GatewayProcess:
    """``python -m propylon run -c FILE -p PORT -w WORKERS``, stopped by ``stop``."""

    config: dict[str, Any]
    folder: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / f"gateway-{self.port}.log"

    def start(self, timeout: float = 20.0) -> GatewayProcess:
        # A free port may be taken (by a client connection's ephemeral port) before the
        # gateway binds it: then another is tried.
        for _ in range(3):
            try:
                return self._start(timeout)
            except PortTaken:
                self.port = free_port()
        return self._start(timeout)

    def _start(self, timeout: float) -> GatewayProcess:
        path = self.folder / f"gateway-{self.port}.json"
        path.write_text(json.dumps({"version": 3, **self.config}), "utf-8")
        args = [sys.executable, "-m", "propylon", "run", "-c", str(path)]
        args += ["-p", str(self.port), "-w", str(self.workers), "-l", "WARNING"]
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "Address already in use" in self.log():
                    raise PortTaken(self.port)
                raise RuntimeError(f"gateway exited with {self.proc.returncode}:\n{self.log()}")
            pids = self.workers_pids()
            # Every worker listening: otherwise the kernel hands all connections to the others.
            ready = len(pids) >= self.workers and all(self.listening(p) for p in pids)
            if ready and self._healthy():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"gateway not ready after {timeout}s:\n{self.log()}")

    def _healthy(self) -> bool:
        with contextlib.suppress(OSError):
            return get(self.url + "/__health").status == 200
        return False

    def workers_pids(self) -> list[int]:
        """The processes serving: the workers, or the gateway itself with one worker."""
        assert self.proc is not None
        if self.workers <= 1:
            return [self.proc.pid]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                # pid (comm) state ppid ...: comm may hold spaces, so read after its ')'.
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    pids.append(int(stat.parent.name))
        return pids

    def listening(self, pid: int) -> bool:
        """Whether ``pid`` holds a socket listening on the gateway's port."""
        return bool(sockets_of(pid) & socket_inodes(f":{self.port:04X}", LISTEN))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


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
