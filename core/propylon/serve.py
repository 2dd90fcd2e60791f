"""Runs the gateway: one process per worker, all listening on the same port.

Each worker binds with SO_REUSEPORT so the kernel spreads connections across them; a
plain bind is tried first so that a port already in use is reported, not shared. With TLS
options, each worker builds its ssl context and serves HTTPS only, as KrakenD does.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import socket
import ssl
import sys
from collections.abc import Callable

from aiohttp import web

from propylon.config.tls import TLSOptions
from propylon.router.lean import lean_routes
from propylon.router.protocol import GatewayProtocol, ServerOptions, guard
from propylon.tls import server_context

log = logging.getLogger("propylon")
STOP_SIGNALS = frozenset((signal.SIGINT, signal.SIGTERM))
# A request makes many container objects, nearly all freed by reference counting when it
# ends. Python collects its young generation every 700 allocations, each time examining (and
# promoting) the objects of every request in flight; every 10,000, a worker spent about 4 µs
# less CPU per merge and 6 per request with telemetry (-w 1, alternating runs), and garbage
# cycles wait a little longer.
YOUNG_GENERATION = 10_000


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
    make_app: Callable[[], web.Application],
    host: str,
    port: int,
    reuse: bool,
    options: ServerOptions,
    tls: TLSOptions | None = None,
) -> None:
    loop = new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        stop = asyncio.Event()
        _stop_on_first_signal(loop, stop)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by serve() across fork
        context = server_context(tls) if tls is not None else None
        app = make_app()
        # The application lives as long as the worker: its objects (and what the worker
        # inherited, frozen by the supervisor) are kept out of the collector's generations,
        # so full collections examine only what requests leave behind.
        gc.collect()
        gc.freeze()
        gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
        loop.run_until_complete(_serve_until(stop, app, host, port, reuse, options, context))
    finally:
        if not loop.is_closed():
            _finish(loop)
            loop.close()


async def _serve_until(
    stop: asyncio.Event,
    app: web.Application,
    host: str,
    port: int,
    reuse: bool,
    options: ServerOptions,
    context: ssl.SSLContext | None = None,
) -> None:
    """Serves ``app`` with the gateway's protocol until ``stop``, then stops gracefully.

    The application runner keeps aiohttp's life cycle (start-up and clean-up signals, waiting
    for requests in flight); the listening socket is the gateway's own, so that each connection
    gets a GatewayProtocol.
    """
    runner = web.AppRunner(
        app, handle_signals=False, access_log=None, handler_cancellation=True, shutdown_timeout=5.0
    )
    await runner.setup()
    server = runner.server
    assert server is not None  # set by setup()
    server.request_handler = guard(server.request_handler)
    lanes = lean_routes(app)  # the application is frozen: what it holds is final
    loop = asyncio.get_running_loop()
    handler_args = {**options.handler_args(), "access_log": None, "loop": loop}
    try:
        listener = await loop.create_server(
            lambda: GatewayProtocol(server, options=options, lanes=lanes, **handler_args),
            host or None,
            port,
            reuse_port=reuse,
            ssl=context,
            backlog=socket.SOMAXCONN,  # as Go's listener: the system's limit, not asyncio's 100
        )
    except BaseException:
        await runner.cleanup()
        raise
    try:
        await stop.wait()
    finally:
        listener.close()
        await runner.cleanup()


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """Cancels what is left (background tasks of modules) and closes async generators."""
    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_asyncgens())


def _stop_on_first_signal(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """SIGINT/SIGTERM start a graceful stop; later ones are ignored, not a second exit.

    Ctrl-C reaches a worker twice (from the terminal and forwarded by the supervisor). A plain
    handler, taken before the app is built: a signal arriving before the loop runs waits in
    the loop's queue instead of being lost.
    """
    stopping = False

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            loop.call_soon_threadsafe(stop.set)

    for signum in STOP_SIGNALS:
        signal.signal(signum, on_signal)


def serve(
    make_app: Callable[[], web.Application],
    host: str,
    port: int,
    workers: int,
    options: ServerOptions | None = None,
    tls: TLSOptions | None = None,
) -> int:
    """Runs ``workers`` processes (1: this one); returns the exit status."""
    check_port(host, port)
    options = options or ServerOptions()
    if workers <= 1:
        run_worker(make_app, host, port, False, options, tls)
        return 0
    _share_with_workers()
    children: list[int] = []
    forward = _forward_signals(children)  # before forking: a Ctrl-C now reaches every worker
    for _ in range(workers):
        # Blocked across fork: a signal landing in between would run the parent's handler.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        pid = os.fork()
        if pid == 0:
            _run_child(make_app, host, port, options, tls)
        children.append(pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    log.info("listening on %s:%d with %d workers", host or "*", port, workers)
    return _supervise(children, forward)


def _share_with_workers() -> None:
    """Prepares the supervisor's heap (imported modules, the parsed configuration, plugins)
    to be shared with the forked workers, copy-on-write.

    A collection in a worker writes into the header of every object it examines, copying the
    page holding it: without this, the first full collection in each worker would copy most
    of what it inherited. Garbage is collected first so it is not inherited at all; then
    ``gc.freeze`` moves every surviving object to the permanent generation, which the
    workers' collections never examine (Python's documentation of ``gc.freeze``).
    """
    gc.collect()
    gc.freeze()


def _run_child(
    make_app: Callable[[], web.Application],
    host: str,
    port: int,
    options: ServerOptions,
    tls: TLSOptions | None,
) -> None:
    """A worker process: never returns into the parent's code."""
    code = 0
    try:
        run_worker(make_app, host, port, True, options, tls)
    except BaseException as exc:
        log.error("worker %d stopped: %s", os.getpid(), exc)
        code = 1
    finally:
        os._exit(code)


def _forward_signals(children: list[int]) -> Callable[[int, object], None]:
    def forward(signum: int, _frame: object) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return forward


def _supervise(children: list[int], forward: Callable[[int, object], None]) -> int:
    status = 0
    remaining = set(children)
    while remaining:
        try:
            pid, code = os.wait()
        except ChildProcessError:
            break
        remaining.discard(pid)
        exit_code = os.waitstatus_to_exitcode(code)
        if exit_code in (0, -signal.SIGTERM, -signal.SIGINT):
            continue
        status = 1
        if remaining:
            log.error("worker %d exited with %d: stopping the others", pid, exit_code)
            forward(signal.SIGTERM, None)
        else:
            log.error("worker %d exited with %d", pid, exit_code)
    sys.stdout.flush()
    return status
