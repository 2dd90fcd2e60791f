"""Real message brokers for tests: started on 127.0.0.1 and free ports, in temporary folders,
as an unprivileged user would run them, so they never collide with a system service or with
each other."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from propylon.sdk.processes import free_port

__all__ = ["NatsServer", "RabbitMQServer"]

_RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")
_AMQP_HEADER = b"AMQP\x00\x00\x09\x01"


def _executable(name: str) -> str | None:
    local = _RABBITMQ_BIN / name
    return str(local) if local.exists() else shutil.which(name)


class RabbitMQServer:
    """A real ``rabbitmq-server`` on 127.0.0.1 (``url``: ``amqp://guest:guest@127.0.0.1:PORT/``).

    Every port (AMQP, distribution, epmd) is free and every file (database, logs, config,
    Erlang cookie) lives in a temporary folder; the ports are below the ephemeral range, so a
    restart finds its port free. It boots in a few seconds: share one per test
    session. ``stop``/``start`` restart it on the same port and with the same data, to
    simulate an outage. ``RabbitMQServer.available()`` is false where it is not installed
    (Debian: rabbitmq-server)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="propylon-rabbitmq-"))
        self.port = free_port()
        self.dist_port = free_port()
        self.epmd_port = free_port()
        self.node = f"propylon{self.port}@localhost"
        self.proc: subprocess.Popen[bytes] | None = None
        self.epmd: subprocess.Popen[bytes] | None = None
        (self.folder / "rabbitmq.conf").write_text(
            "loopback_users = none\ndisk_free_limit.absolute = 1MB\n"
        )
        (self.folder / "rabbitmq-env.conf").write_text("")
        (self.folder / "enabled_plugins").write_text("[].\n")

    @staticmethod
    def available() -> bool:
        return _executable("rabbitmq-server") is not None

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            HOME=str(self.folder),
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            ERL_EPMD_PORT=str(self.epmd_port),
            ERL_EPMD_ADDRESS="127.0.0.1",
            RABBITMQ_MNESIA_BASE=str(self.folder / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.folder / "log"),
            RABBITMQ_CONFIG_FILE=str(self.folder / "rabbitmq"),
            RABBITMQ_CONF_ENV_FILE=str(self.folder / "rabbitmq-env.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.folder / "enabled_plugins"),
            RABBITMQ_PID_FILE=str(self.folder / "rabbitmq.pid"),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-start_epmd false",
        )
        return env

    def _answers(self) -> bool:
        """True once the broker speaks AMQP (it sends Connection.Start, a method frame)."""
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn,
        ):
            conn.sendall(_AMQP_HEADER)
            return conn.recv(1) == b"\x01"
        return False

    def _start_epmd(self) -> None:
        """Erlang's port mapper as a child of this process (not a daemon, which would outlive
        the tests and, where nothing reaps orphans, linger as a zombie)."""
        epmd = shutil.which("epmd")
        if epmd is None:
            raise RuntimeError("epmd (erlang-base) is not installed")
        self.epmd = subprocess.Popen(
            [epmd, "-port", str(self.epmd_port), "-address", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.epmd.poll() is None:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.epmd_port), timeout=0.2).close()
                return
            time.sleep(0.02)
        raise RuntimeError(f"epmd did not listen on port {self.epmd_port}")

    def start(self, timeout: float = 60.0) -> RabbitMQServer:
        server = _executable("rabbitmq-server")
        if server is None:
            raise RuntimeError("rabbitmq-server is not installed")
        self._start_epmd()
        log = (self.folder / "server.out").open("ab")
        self.proc = subprocess.Popen(
            [server], env=self._env(), stdout=log, stderr=log, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"rabbitmq-server did not answer on port {self.port} (see {self.folder}/server.out)"
        )

    def stop(self) -> None:
        """Stops the broker (every process of its group), then its epmd."""
        for proc, wait in ((self.proc, 15), (self.epmd, 5)):
            if proc is None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(wait)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        if self.proc is not None:
            self._wait_closed()
        self.proc = None
        self.epmd = None

    def _wait_closed(self, timeout: float = 15.0) -> None:
        """The Erlang VM outlives its launcher script for a moment: wait for the port to close
        so a restart can bind it again."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            except OSError:
                return
            time.sleep(0.1)

    def __enter__(self) -> RabbitMQServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class NatsServer:
    """A real ``nats-server`` on 127.0.0.1 and a free port (``url``: ``nats://127.0.0.1:PORT``).

    It starts in a moment and keeps nothing on disk. ``stop``/``start`` restart it on the same
    port, to simulate an outage. ``NatsServer.available()`` is false where it is not installed
    (Debian: nats-server)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return _executable("nats-server") is not None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def _answers(self) -> bool:
        """True once the server greets a client (its first line is ``INFO {...}``)."""
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn,
        ):
            return conn.recv(4) == b"INFO"
        return False

    def start(self, timeout: float = 15.0) -> NatsServer:
        server = _executable("nats-server")
        if server is None:
            raise RuntimeError("nats-server is not installed")
        self.proc = subprocess.Popen(
            [server, "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            if self._answers():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nats-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self) -> NatsServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
