"""Starts the benchmark's servers and stops every one of them by PID, whatever happens.

Each process gets its own session (so its process group id is its PID): a Ctrl-C in the
terminal reaches only the benchmark, which then stops the servers in order, and a server's
forked workers are stopped with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path


class BenchError(Exception):
    """A setup failure, explained in one message for the user."""


class Supervisor:
    """Owns the processes it starts; ``stop_all`` ends them last-started first."""

    def __init__(self) -> None:
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True
            )
        self.procs.append((name, proc))
        return proc

    def run(self, argv: list[str], timeout: float) -> str:
        """Runs a short-lived command (wrk) to completion; returns its stdout."""
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append((argv[0], proc))
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BenchError(f"{argv[0]} did not finish within {timeout:.0f} s") from None
        finally:
            self.stop(proc)
            self.procs.remove((argv[0], proc))
        if proc.returncode != 0:
            raise BenchError(f"{' '.join(argv)} failed ({proc.returncode}):\n{out.decode()}")
        return out.decode()

    def stop(self, proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
        """SIGTERM to the PID, then SIGKILL to its process group if it lingers."""
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(grace)
        # The group may outlive its leader (forked workers); its id is the leader's PID.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)

    def stop_all(self) -> None:
        while self.procs:
            _name, proc = self.procs.pop()
            self.stop(proc)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30.0) -> bytes:
    """Polls ``url`` until it answers 200; fails early, with the log, if ``proc`` exits."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            name = Path(str(proc.args[0] if isinstance(proc.args, list) else proc.args)).name
            raise BenchError(f"{name} exited ({proc.returncode}):\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last = str(exc)
        time.sleep(0.1)
    raise BenchError(f"{url} did not answer within {timeout:.0f} s ({last}):\n{tail(log)}")


def tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
