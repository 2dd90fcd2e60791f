"""Runs the gateway: one process per worker, all listening on the same port.

Each worker binds with SO_REUSEPORT so the kernel spreads connections across them; a
plain bind is tried first so that a port already in use is reported, not shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable

from aiohttp import web

log = logging.getLogger("propylon")
# How long an idle keep-alive connection is kept when the service sets no idle_timeout.
DEFAULT_IDLE_TIMEOUT = 75.0


class PortInUse(OSError):
    pass


def new_event_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the server will: connections lingering in TIME_WAIT do not hold the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host or ("::" if family == socket.AF_INET6 else ""), port))
        except OSError as exc:
            raise PortInUse(f"cannot listen on {host or '*'}:{port}: {exc.strerror}") from None


def run_worker(
    make_app: Callable[[], web.Application], host: str, port: int, reuse: bool, idle_timeout: float
) -> None:
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    app = make_app()
    web.run_app(
        app,
        host=host or None,
        port=port,
        reuse_port=reuse,
        access_log=None,
        print=None,
        loop=loop,
        shutdown_timeout=5.0,
        handler_cancellation=True,
        keepalive_timeout=idle_timeout or DEFAULT_IDLE_TIMEOUT,
    )


def serve(
    make_app: Callable[[], web.Application],
    host: str,
    port: int,
    workers: int,
    idle_timeout: float = 0.0,
) -> int:
    """Runs ``workers`` processes (1: this one); returns the exit status."""
    check_port(host, port)
    if workers <= 1:
        run_worker(make_app, host, port, False, idle_timeout)
        return 0
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                run_worker(make_app, host, port, True, idle_timeout)
            except BaseException as exc:  # the child must never return into the parent's code
                log.error("worker %d stopped: %s", os.getpid(), exc)
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    log.info("listening on %s:%d with %d workers", host or "*", port, workers)
    return _supervise(children)


def _supervise(children: list[int]) -> int:
    def forward(signum: int, _frame: object) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    status = 0
    remaining = set(children)
    while remaining:
        try:
            pid, code = os.wait()
        except ChildProcessError:
            break
        remaining.discard(pid)
        exit_code = os.waitstatus_to_exitcode(code)
        if exit_code not in (0, -signal.SIGTERM, -signal.SIGINT) and remaining:
            log.error("worker %d exited with %d: stopping the others", pid, exit_code)
            status = 1
            forward(signal.SIGTERM, None)
    sys.stdout.flush()
    return status
