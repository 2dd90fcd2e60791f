"""Real gateway processes for tests: ``propylon run`` in a subprocess, and which worker answered.

Which worker answered a connection is read from the kernel, not from the gateway: the client
keeps the connection open while the server's end of it is found in /proc/net/tcp and the
worker holding that socket among the supervisor's children (Linux only).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
_given: set[int] = set()


def free_port() -> int:
    """A port free now, below the ephemeral range (no outgoing connection can take it before
    a server binds it), and not handed out before by this process."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as bounds:
        low = int(bounds.read().split()[0])
    candidates = range(max(1024, low - 12000), low)
    while True:
        port = random.choice(candidates)
        if port in _given:
            continue
        with socket.socket() as probe:
            try:
                probe.bind((LOOPBACK, port))
            except OSError:
                continue
        _given.add(port)
        return port


@dataclass
class GatewayProcess:
    """``propylon run -c FILE -p PORT -w WORKERS`` in a subprocess, its output in a file.

    ``config`` is a configuration dict (written to ``folder``) or a file; ``command`` the
    gateway's command (an assembled edition's, for instance); ``env`` is added to the
    environment. ``start`` waits for ``/__health``; ``stop`` ends it (SIGTERM, then SIGKILL).
    """

    config: dict[str, Any] | Path
    workers: int = 1
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=lambda: [sys.executable, "-m", "propylon"])
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="propylon-gw-")))
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / f"gateway-{self.port}.log"

    def launch(self) -> subprocess.Popen[bytes]:
        """Starts the process without waiting for it to serve."""
        path = self.config
        if isinstance(path, dict):
            path = self.folder / f"gateway-{self.port}.json"
            path.write_text(json.dumps(self.config), "utf-8")
        args = [*self.command, "run", "-c", str(path), "-p", str(self.port)]
        args += ["-w", str(self.workers), *self.args]
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                args,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
                start_new_session=True,
            )
        return self.proc

    def start(self, timeout: float = 20.0) -> GatewayProcess:
        proc = self.launch()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"gateway exited with {proc.returncode}:\n{self.log()}")
            with contextlib.suppress(OSError):
                if self.get("/__health")[0] == 200:
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"gateway not ready after {timeout}s:\n{self.log()}")

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        return children(self.proc.pid) if self.workers > 1 else [self.proc.pid]

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, int | None]:
        """One GET on a new connection: the status, and the worker that answered (None where
        it cannot be told)."""
        conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)
        try:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            response.read()
            assert conn.sock is not None
            inode = _socket_inode(self.port, conn.sock.getsockname()[1])
            pid = _holder(inode, self.worker_pids()) if inode and self.proc else None
            return response.status, pid
        finally:
            conn.close()

    def statuses_by_worker(
        self, path: str, headers: dict[str, str] | None = None, at_least: int = 8, limit: int = 400
    ) -> dict[int, set[int]]:
        """GETs on new connections until every worker answered and ``at_least`` were sent:
        the statuses each worker gave."""
        seen: dict[int, set[int]] = {}
        for sent in range(1, limit + 1):
            status, pid = self.get(path, headers)
            if pid is not None:
                seen.setdefault(pid, set()).add(status)
            if len(seen) >= self.workers and sent >= at_least:
                return seen
        raise AssertionError(f"{limit} requests reached workers {sorted(seen)} only")

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _socket_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server's end of a loopback TCP connection."""
    local, remote = f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}"
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if fields[1] == local and fields[2] == remote:
                return fields[9]
    return None


def _holder(inode: str, pids: list[int]) -> int | None:
    target = f"socket:[{inode}]"
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                        return pid
    return None


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (a supervisor's workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
    return found
