"""GELF 1.1 to Graylog: over UDP, gzip-compressed and chunked past one datagram, or over TCP,
uncompressed and null-terminated (as go-gelf writes for KrakenD).

A log call never waits on the network: UDP sends a datagram, TCP has a short timeout, and a
failed send drops the message (the next one reconnects) rather than stopping the gateway.
"""

from __future__ import annotations

import gzip
import logging
import os
import socket
import time

import orjson

from propylon_logging.formats import HOSTNAME

CHUNK_SIZE = 1420  # go-gelf's: fits an Ethernet MTU with room for headers
MAX_CHUNKS = 128
CHUNK_MAGIC = b"\x1e\x0f"
TCP_TIMEOUT = 1.0
# Python level -> syslog severity, which GELF's ``level`` is.
SEVERITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


def gelf_message(record: logging.LogRecord, text: str) -> bytes:
    short, _, rest = text.partition("\n")
    message: dict[str, object] = {
        "version": "1.1",
        "host": HOSTNAME,
        "short_message": short,
        "timestamp": round(record.created, 3),
        "level": SEVERITY.get(record.levelno, 6),
        "_logger": record.name,
        "_file": record.pathname,
        "_line": record.lineno,
    }
    if rest:
        message["full_message"] = text
    return orjson.dumps(message)


def chunks(payload: bytes) -> list[bytes]:
    """The datagrams of one message: itself when it fits, else GELF chunks."""
    if len(payload) <= CHUNK_SIZE:
        return [payload]
    parts = [payload[i : i + CHUNK_SIZE] for i in range(0, len(payload), CHUNK_SIZE)]
    if len(parts) > MAX_CHUNKS:
        return []
    message_id = os.urandom(8)
    total = len(parts)
    return [CHUNK_MAGIC + message_id + bytes((i, total)) + part for i, part in enumerate(parts)]


class GelfHandler(logging.Handler):
    def __init__(self, address: str, tcp: bool) -> None:
        super().__init__()
        host, _, port = address.rpartition(":")
        self.target = (host.strip("[]"), int(port))
        self.tcp = tcp
        self._sock: socket.socket | None = None

    def _socket(self) -> socket.socket:
        if self._sock is None:
            if self.tcp:
                self._sock = socket.create_connection(self.target, timeout=TCP_TIMEOUT)
            else:
                family = socket.AF_INET6 if ":" in self.target[0] else socket.AF_INET
                self._sock = socket.socket(family, socket.SOCK_DGRAM)
        return self._sock

    def emit(self, record: logging.LogRecord) -> None:
        try:
            payload = gelf_message(record, self.format(record))
            if self.tcp:
                self._socket().sendall(payload + b"\0")
                return
            sock = self._socket()
            for datagram in chunks(gzip.compress(payload, 6, mtime=int(time.time()))):
                sock.sendto(datagram, self.target)
        except OSError:
            self._drop()

    def _drop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def close(self) -> None:
        self._drop()
        super().close()
