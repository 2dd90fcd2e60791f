"""Spans over OTLP/HTTP: encoded by ``encoding`` and posted from the export thread.

The exporter settings are the OpenTelemetry SDK's environment variables, read as its
Python exporter reads them (the traces variable first, then the general one): headers
(``OTEL_EXPORTER_OTLP_[TRACES_]HEADERS``), timeout in seconds (``..._TIMEOUT``, 10),
compression (``..._COMPRESSION``: ``gzip``, ``deflate``, none by default) and, for
``https://``, the CA and client certificates (``..._CERTIFICATE``, ``..._CLIENT_CERTIFICATE``,
``..._CLIENT_KEY``). One kept-alive connection; a busy collector (429, 502, 503, 504) is
retried with backoff within the timeout; a failure is logged once a minute at most.
"""

from __future__ import annotations

import gzip
import http.client
import os
import ssl
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from opentelemetry.util.re import parse_env_headers
from propylon.sdk import get_logger

from propylon_opentelemetry.encoding import SpanEncoder
from propylon_opentelemetry.spans import QUIET_SECONDS, Record

log = get_logger("opentelemetry")
RETRYABLE = frozenset({429, 502, 503, 504})
USER_AGENT = "propylon-opentelemetry"


def _env(name: str, default: str = "") -> str:
    """The traces variable ``OTEL_EXPORTER_OTLP_TRACES_<name>``, else the general one."""
    return (
        os.environ.get(f"OTEL_EXPORTER_OTLP_TRACES_{name}")
        or os.environ.get(f"OTEL_EXPORTER_OTLP_{name}")
        or default
    ).strip()


@dataclass(frozen=True)
class Settings:
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 10.0
    compression: str = ""  # "gzip" or "deflate"; empty: none
    certificate: str = ""
    client_certificate: str = ""
    client_key: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        try:
            timeout = float(_env("TIMEOUT", "10"))
        except ValueError:
            log.warning("[SERVICE: OpenTelemetry] OTEL_EXPORTER_OTLP_TIMEOUT is not a number: 10 s")
            timeout = 10.0
        compression = _env("COMPRESSION").lower()
        if compression not in ("gzip", "deflate", "none", ""):
            log.warning("[SERVICE: OpenTelemetry] unknown OTLP compression %r: none", compression)
        return cls(
            headers=parse_env_headers(_env("HEADERS"), liberal=True),
            timeout=timeout if timeout > 0 else 10.0,
            compression=compression if compression in ("gzip", "deflate") else "",
            certificate=_env("CERTIFICATE"),
            client_certificate=_env("CLIENT_CERTIFICATE"),
            client_key=_env("CLIENT_KEY"),
        )


class Failed(Exception):
    """An export the collector refused or could not be reached for."""

    def __init__(self, reason: str, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


class HTTPSpanSink:
    """Posts each batch of spans to one collector's ``/v1/traces``."""

    def __init__(
        self, name: str, url: str, resource: Mapping[str, Any], scope: str, settings: Settings
    ) -> None:
        self.name = name
        self.url = url
        self.encoder = SpanEncoder(resource, scope)
        self.settings = settings
        parts = urlsplit(url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "localhost"
        self._port = parts.port or (443 if self._https else 80)
        self._path = parts.path or "/"
        self._headers = {
            "User-Agent": USER_AGENT,
            **settings.headers,
            "Content-Type": "application/x-protobuf",
        }
        if settings.compression:
            self._headers["Content-Encoding"] = settings.compression
        self._connection: http.client.HTTPConnection | None = None
        self._failed = 0
        self._next_warning = 0.0

    def export(self, records: Sequence[Record]) -> None:
        body = self.encoder.encode(records)
        if self.settings.compression == "gzip":
            body = gzip.compress(body, compresslevel=6)
        elif self.settings.compression == "deflate":
            body = zlib.compress(body)
        try:
            self._post_retrying(body)
        except Failed as exc:
            self._failed += len(records)
            self._warn(str(exc))

    def _post_retrying(self, body: bytes) -> None:
        deadline = time.monotonic() + self.settings.timeout
        backoff = 1.0
        while True:
            try:
                self._post(body, max(deadline - time.monotonic(), 0.1))
                return
            except Failed as exc:
                if not exc.retryable or time.monotonic() + backoff > deadline:
                    raise
            time.sleep(backoff)
            backoff *= 2

    def _post(self, body: bytes, timeout: float) -> None:
        """One POST; a kept-alive connection the collector closed is reopened once."""
        for attempt in (1, 2):
            try:
                connection = self._connection or self._connect(timeout)
                if connection.sock is not None:
                    connection.sock.settimeout(timeout)
                connection.request("POST", self._path, body, self._headers)
                reply = connection.getresponse()
                reply.read()
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                if attempt == 2 or isinstance(exc, TimeoutError):
                    raise Failed(f"{self.url}: {exc or type(exc).__name__}", True) from exc
                continue
            if reply.will_close:
                self.close()
            if 200 <= reply.status < 300:
                return
            raise Failed(f"{self.url} answered {reply.status}", reply.status in RETRYABLE)

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        if self._https:
            context = ssl.create_default_context(cafile=self.settings.certificate or None)
            if self.settings.client_certificate:
                context.load_cert_chain(
                    self.settings.client_certificate, self.settings.client_key or None
                )
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                self._host, self._port, timeout=timeout, context=context
            )
        else:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        self._connection = connection
        return connection

    def _warn(self, reason: str) -> None:
        now = time.monotonic()
        if now < self._next_warning:
            return
        self._next_warning = now + QUIET_SECONDS
        log.warning(
            "[SERVICE: OpenTelemetry] exporter %r: %d spans not exported: %s",
            self.name,
            self._failed,
            reason,
        )
        self._failed = 0

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def shutdown(self) -> None:
        self.close()
