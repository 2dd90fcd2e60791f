"""Malformed requests against a real gateway process: Go's status, the connection closed, and
nothing but one debug line in the log (a client cannot fill the disk)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from tests.conftest import LOOPBACK

from .cfg import backend, endpoint, service

LONG = 9000  # over the default limit of a request line and of a header line (8190 bytes)
CASES = {
    "garbage request line": (b"GARBAGE\r\n\r\n", 400),
    "bad method": (b"G@T /a HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "bad version": (b"GET /a HTTP/9.Z\r\nHost: x\r\n\r\n", 400),
    "HTTP/0.9 request line": (b"GET /a\r\n", 400),
    "HTTP/0.9 request line and an empty line": (b"GET /a\r\n\r\n", 400),
    "header without colon": (b"GET /a HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n", 400),
    "space in header name": (b"GET /a HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400),
    "NUL in header value": (b"GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400),
    "NUL in path": (b"GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    "header too large": (b"GET /a HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * LONG + b"\r\n\r\n", 431),
    "too many headers": (
        b"GET /a HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-%d: v\r\n" % i for i in range(200))
        + b"\r\n",
        431,
    ),
    "URI too long": (b"GET /" + b"a" * LONG + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    "URI too long, its end not sent": (b"GET /" + b"a" * LONG, 414),
    "bad chunk size": (
        b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n",
        400,
    ),
    "Content-Length and chunked": (
        b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
    ),
    "bad Content-Length": (b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
    # No line end: the C parser refuses the method at once, the Python one waits for the line
    # until read_header_timeout closes the connection (as Go's reader would).
    "TLS on the HTTP port": (bytes.fromhex("16030100a5010000a10303") + b"\x00" * 40, None),
}


@pytest.fixture(scope="module", params=["C parser", "Python parser"])
def gateway(request: pytest.FixtureRequest, module_gateways: Any, backend_url: str) -> Any:
    """aiohttp's C parser (the one installed) and its pure Python one refuse differently."""
    upload = endpoint("/up", backend(backend_url, "/echo"), method="POST")
    config = service(endpoint("/a", backend(backend_url, "/user/7")), upload)
    config["read_header_timeout"] = "1s"
    env = {"AIOHTTP_NO_EXTENSIONS": "1"} if request.param == "Python parser" else {}
    return module_gateways.start(config, env=env)


def _exchange(port: int, data: bytes) -> bytes:
    """Sends ``data``, then reads until the gateway closes the connection."""
    with socket.create_connection((LOOPBACK, port), timeout=5) as conn:
        conn.sendall(data)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    return reply


@pytest.mark.parametrize(("data", "status"), CASES.values(), ids=CASES.keys())
def test_malformed_request_is_refused_quietly(
    gateway: Any, data: bytes, status: int | None
) -> None:
    reply = _exchange(gateway.port, data)
    if reply or status is not None:  # None: 400, or closed unanswered once the head's time is over
        status = status or 400
        assert reply.startswith(b"HTTP/1.1 %d " % status), reply[:200]
        head, _, body = reply.partition(b"\r\n\r\n")
        assert b"Connection: close" in head and b"Server:" not in head
        assert body.startswith(b"%d " % status) and len(body) < 64  # nothing of the request echoed
    log = gateway.log()
    assert "Traceback" not in log and " ERROR " not in log, log


def test_well_formed_requests_still_served(gateway: Any) -> None:
    request = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
    last = b"GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    reply = _exchange(gateway.port, b"\r\n" + request + request + last)  # CRLF, then pipelined
    assert reply.count(b"HTTP/1.1 200 OK") == 3, reply
    http10 = _exchange(gateway.port, b"GET /a HTTP/1.0\r\n\r\n")
    assert http10.startswith(b"HTTP/1.0 200 OK"), http10


def test_body_sent_after_the_answer_is_not_taken_for_a_request(gateway: Any) -> None:
    with socket.create_connection((LOOPBACK, gateway.port), timeout=5) as conn:
        conn.sendall(b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n")
        assert conn.recv(4096).startswith(b"HTTP/1.1 404 ")
        conn.sendall(b"line one\r\n\r\n")  # the body, answered already: read away
        conn.sendall(b"GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200 OK"), reply
