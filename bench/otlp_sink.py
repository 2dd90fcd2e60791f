#!/usr/bin/env python3
"""An OTLP/HTTP collector that accepts and discards: the telemetry scenario's spans and
metrics are exported for real (encoded, posted, answered 200) rather than dropped.

Standard library only: ``python3 otlp_sink.py PORT`` serves until killed; it counts what
it received and ``GET /stats`` answers ``{"requests": N, "bytes": B}`` by path.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATHS = ("/v1/traces", "/v1/metrics", "/v1/logs")


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the exporter's session expects
    received: dict[str, list[int]] = {p: [0, 0] for p in PATHS}
    lock = threading.Lock()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path not in self.received:
            self._answer(404, b"", "text/plain")
            return
        with self.lock:
            counted = self.received[self.path]
            counted[0] += 1
            counted[1] += len(body)
        # An empty Export*ServiceResponse: no partial success to report.
        self._answer(200, b"", "application/x-protobuf")

    def do_GET(self) -> None:
        if self.path != "/stats":
            self._answer(404, b"", "text/plain")
            return
        with self.lock:
            stats = {p: {"requests": n, "bytes": b} for p, (n, b) in self.received.items()}
        self._answer(200, json.dumps(stats).encode(), "application/json")

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """The sink listening on ``host:port`` (0: any free port); call ``serve_forever``."""
    server = ThreadingHTTPServer((host, port), Sink)
    server.daemon_threads = True
    return server


if __name__ == "__main__":
    serve(int(sys.argv[1])).serve_forever()
