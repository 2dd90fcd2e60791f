"""What the revoker's tests share: tokens signed with joserfc, gateway configurations, gateway
processes (``propylon run``), and which worker process answered a connection.

Which worker answered is read from the kernel, not from the gateway: the test keeps the
connection open, finds its server-side socket in /proc/net/tcp and the worker holding that
socket among the supervisor's children. Imported by the tests as a plain module (its name is
unique among the test folders collected together).
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
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import OctKey
from propylon.sdk.testing import Reply, send

LOOPBACK = "127.0.0.1"
SECRET = "s3cret-for-the-revocation-interface"
SECRET_ENV = "PROPYLON_REVOKER_SECRET"


_given: set[int] = set()


def _below_ephemeral() -> range:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as bounds:
        low = int(bounds.read().split()[0])
    return range(max(1024, low - 12000), low)


def free_port() -> int:
    """A port free now, below the ephemeral range (no outgoing connection can take it before
    the gateway binds it), and not handed out before by this process."""
    candidates = _below_ephemeral()
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


class Tokens:
    """An HS256 key in a JWK file (for ``jwk_local_path``) and tokens signed with it."""

    def __init__(self, folder: Path) -> None:
        self.key = OctKey.generate_key(256, {"kid": "revoker-test"})
        self.path = folder / "keys.json"
        self.path.write_text(json.dumps({"keys": [self.key.as_dict(private=True)]}), "utf-8")

    def sign(self, **claims: Any) -> str:
        now = int(time.time())
        body = {"sub": "user-1", "iat": now, "exp": now + 300, **claims}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SecurityWarning)
            return jwt.encode({"alg": "HS256", "kid": self.key.kid}, body, self.key)


def revoker(**options: Any) -> dict[str, Any]:
    """An ``auth/revoker`` block: KrakenD's required fields, then ``options``."""
    base = {"N": 10000, "P": 1e-7, "hash_name": "optimal", "TTL": 300, "port": free_port()}
    return {**base, "token_keys": ["jti", "sub"], **options}


def gateway_config(backend: str, tokens: Tokens, revoked: dict[str, Any]) -> dict[str, Any]:
    """One endpoint behind the JWT validator, the service's ``auth/revoker`` = ``revoked``."""
    return {
        "version": 3,
        "extra_config": {"auth/revoker": revoked},
        "endpoints": [
            {
                "endpoint": "/private",
                "backend": [{"host": [backend], "url_pattern": "/echo"}],
                "extra_config": {
                    "auth/validator": {"alg": "HS256", "jwk_local_path": str(tokens.path)}
                },
            }
        ],
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def revoke(port: int, claim: str, value: str, secret: str = SECRET) -> Reply:
    body = json.dumps({"claim": claim, "value": value})
    return send("POST", f"http://{LOOPBACK}:{port}/revocations", bearer(secret), body)


def _socket_inode(server_port: int, client_port: int) -> str | None:
    """The inode of the server's end of a loopback TCP connection."""
    local = f"0100007F:{server_port:04X}"
    remote = f"0100007F:{client_port:04X}"
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
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
    return found


@dataclass
class GatewayProcess:
    """``propylon run -c FILE -p PORT -w WORKERS`` in a subprocess, its output in a file."""

    folder: Path
    config: dict[str, Any]
    workers: int = 1
    env: dict[str, str] = field(default_factory=lambda: {SECRET_ENV: SECRET})
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / f"gateway-{self.port}.log"

    def launch(self) -> subprocess.Popen[bytes]:
        path = self.folder / f"gateway-{self.port}.json"
        path.write_text(json.dumps(self.config), "utf-8")
        args = [sys.executable, "-m", "propylon", "run", "-c", str(path)]
        args += ["-p", str(self.port), "-w", str(self.workers)]
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
                if send("GET", self.url + "/__health", timeout=1).status == 200:
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"gateway not ready after {timeout}s:\n{self.log()}")

    def workers_pids(self) -> list[int]:
        assert self.proc is not None
        return children(self.proc.pid) if self.workers > 1 else [self.proc.pid]

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, int | None]:
        """One request on a new connection: the status, and the worker that answered."""
        conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            client_port = conn.sock.getsockname()[1]
            inode = _socket_inode(self.port, client_port)
            pid = _holder(inode, self.workers_pids()) if inode else None
            return response.status, pid
        finally:
            conn.close()

    def statuses_by_worker(
        self, path: str, headers: dict[str, str], at_least: int = 8, limit: int = 400
    ) -> dict[int, set[int]]:
        """Requests on new connections until every worker answered ``at_least`` times in
        all (and each at least once): the statuses each worker gave."""
        seen: dict[int, set[int]] = {}
        sent = 0
        while sent < limit:
            status, pid = self.get(path, headers)
            sent += 1
            if pid is not None:
                seen.setdefault(pid, set()).add(status)
            if len(seen) >= self.workers and sent >= at_least:
                return seen
        raise AssertionError(f"{sent} requests reached workers {sorted(seen)} only")

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""
