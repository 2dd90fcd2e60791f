"""Server timeouts against a real gateway process: slow heads are cut off, idle connections closed,
responses bounded by write_timeout, while other clients keep being served."""

from __future__ import annotations

import selectors
import socket
import threading
import time
from typing import Any

import pytest

from tests.conftest import LOOPBACK

from .cfg import backend, endpoint, service

SLOW_CLIENTS = 200
HEAD = b"GET /__health HTTP/1.1\r\nHost: gateway\r\nX-Slow: " + b"a" * 64 + b"\r\n\r\n"


def _connect(port: int) -> socket.socket:
    conn = socket.create_connection((LOOPBACK, port), timeout=10)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def _trickle(conns: list[socket.socket], data: bytes, deadline: float) -> dict[int, float]:
    """Sends ``data`` one byte per 0.1 s on every connection; when each (by index) was closed.

    The pace is kept by the clock, and a closed connection leaves the selector: one left in
    it is always readable, and the bytes would go out at once, completing the heads of the
    connections not yet cut off (answered then, never closed).
    """
    closed: dict[int, float] = {}
    with selectors.DefaultSelector() as selector:
        for index, conn in enumerate(conns):
            conn.setblocking(False)
            selector.register(conn, selectors.EVENT_READ, index)

        def close(index: int) -> None:
            closed[index] = time.monotonic()
            selector.unregister(conns[index])

        step = time.monotonic()
        for byte in data:
            for index, conn in enumerate(conns):
                if index not in closed:
                    try:
                        conn.send(bytes([byte]))
                    except OSError:
                        close(index)
            step += 0.1
            while len(closed) < len(conns) and (left := step - time.monotonic()) > 0:
                for key, _ in selector.select(left):
                    try:
                        ended = key.fileobj.recv(4096) == b""  # type: ignore[union-attr]
                    except OSError:
                        ended = True
                    if ended:
                        close(key.data)
            if len(closed) == len(conns) or time.monotonic() > deadline:
                break
    return closed


def _lifetimes(opened: list[float], closed: dict[int, float]) -> list[float]:
    """How long each connection lived, from its opening to the gateway's closing it."""
    return sorted(closed[index] - at for index, at in enumerate(opened) if index in closed)


def _latencies(url_port: int, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        started = time.monotonic()
        with _connect(url_port) as conn:
            conn.sendall(b"GET /__health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := conn.recv(4096):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 200 "), reply
        out.append(time.monotonic() - started)
        time.sleep(0.05)


@pytest.fixture(scope="module")
def gateway(module_gateways: Any, backend_url: str) -> Any:
    slow = endpoint("/slow", backend(backend_url, "/slow?delay=1.5"), timeout="3s")
    fast = endpoint("/fast", backend(backend_url, "/user/7"))
    timeouts = {"read_header_timeout": "1s", "idle_timeout": "1500ms", "write_timeout": "600ms"}
    return module_gateways.start(service(slow, fast, **timeouts))


def test_slow_heads_are_cut_off_while_others_are_served(gateway: Any) -> None:
    conns, opened = [], []
    for _ in range(SLOW_CLIENTS):
        conns.append(_connect(gateway.port))
        opened.append(time.monotonic())  # the head's time counts from the connection, as Go
    stop, latencies = threading.Event(), list[float]()
    prober = threading.Thread(target=_latencies, args=(gateway.port, stop, latencies))
    prober.start()
    try:
        closed = _trickle(conns, HEAD, time.monotonic() + 5)
    finally:
        stop.set()
        prober.join(10)
        for conn in conns:
            conn.close()
    lifetimes = _lifetimes(opened, closed)
    open_still = sorted(set(range(SLOW_CLIENTS)) - set(closed))  # none got to send its head
    assert not open_still, (open_still, lifetimes[-5:], gateway.log()[-3000:])
    assert lifetimes[0] > 0.9 and lifetimes[-1] < 1.6, lifetimes
    assert len(latencies) >= 5
    assert sorted(latencies)[len(latencies) // 2] < 0.1, latencies  # median
    assert "Traceback" not in gateway.log() and " ERROR " not in gateway.log()


def test_slow_head_of_a_keep_alive_request_is_cut_off(gateway: Any) -> None:
    with _connect(gateway.port) as conn:
        conn.sendall(b"GET /__health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert conn.recv(4096).startswith(b"HTTP/1.1 200 ")
        time.sleep(0.5)  # idle, then the next head, from its first byte
        started = time.monotonic()
        lifetimes = _lifetimes([started], _trickle([conn], HEAD, started + 5))
    assert len(lifetimes) == 1 and 0.9 < lifetimes[0] < 1.6, lifetimes


def test_connection_that_sends_nothing_is_closed(gateway: Any) -> None:
    with _connect(gateway.port) as conn:
        started = time.monotonic()
        assert conn.recv(4096) == b""
        assert 0.8 < time.monotonic() - started < 2.0


def test_idle_keep_alive_connection_is_closed(gateway: Any) -> None:
    with _connect(gateway.port) as conn:
        for _ in range(2):  # an answered request, then the wait for the next one
            conn.sendall(b"GET /__health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert conn.recv(4096).startswith(b"HTTP/1.1 200 ")
            time.sleep(0.5)  # shorter than idle_timeout: the connection is kept
        started = time.monotonic()
        assert conn.recv(4096) == b""
        assert 0.6 < time.monotonic() - started + 0.5 < 2.2  # 1.5 s after the last response


def test_response_slower_than_write_timeout_is_not_written(gateway: Any) -> None:
    with _connect(gateway.port) as conn:
        conn.sendall(b"GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        assert conn.recv(4096).startswith(b"HTTP/1.1 200 ")
        conn.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")  # its backend takes 1.5 s
        started = time.monotonic()
        assert conn.recv(4096) == b""
        assert 0.4 < time.monotonic() - started < 1.2
    assert " ERROR " not in gateway.log(), gateway.log()
