"""The connection protocol: aiohttp's, with the server timeouts of KrakenD and quiet parser errors.

KrakenD hands its service timeouts to Go's ``net/http`` server; aiohttp has a keep-alive
timeout only. This protocol adds the others with Go's meaning:

- ``read_header_timeout``: from the connection's start (first request) or from the first byte
  of the next request (keep-alive) until the request head is complete; a client trickling its
  head is cut off, silently, as Go does.
- ``write_timeout``: from the end of the head until the response is written; past it the
  connection is closed without an answer.
- ``idle_timeout``: aiohttp's keep-alive timeout, the wait for the next request.

A malformed request (bad request line, bad header, bad chunked body...) is answered as Go
answers it (400, 414 for a request line too long, 431 for a header too large) with one debug
line, instead of aiohttp's ERROR with a traceback; an HTTP/0.9 request (no version) gets 400.

The plainest requests of a connection take the lean lane (``propylon.router.lean``) until
one does not; the timeouts above apply to them the same way, and ``idle_timeout`` is this
protocol's own timer between them.

Built on aiohttp's public extension points only: ``RequestHandler``'s constructor,
``connection_made``/``data_received``/``connection_lost``, ``handle_error``,
``finish_response`` and ``shutdown`` (overridden), and ``Server.request_handler`` (wrapped
once, before any connection). ``tests/core/test_slow_clients.py`` and
``test_malformed_requests.py`` pin how aiohttp calls them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, cast

from aiohttp import web
from aiohttp.http import HttpVersion10
from aiohttp.http_exceptions import BadHttpMessage, HttpProcessingError, LineTooLong
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from propylon.config.model import ServiceConfig
from propylon.router.answer import Answer, answer_bytes
from propylon.router.lean import (
    Clock,
    HeadReader,
    LaneHandler,
    Lanes,
    LeanRequest,
    response_bytes,
)
from propylon.router.prepared import AnswerResponse, Receiver, add_framing
from propylon.router.request import DEFAULT_READ_TIMEOUT

log = logging.getLogger("propylon.server")

# How long an idle keep-alive connection is kept when neither idle_timeout nor read_timeout is set.
DEFAULT_IDLE_TIMEOUT = 75.0
# Longest request line, and longest header line, when max_header_bytes is not set.
DEFAULT_LINE_BYTES = 8190
TOO_MANY_HEADERS = "Too many headers received"  # aiohttp's message: too large, as a whole

_RequestHandler = Callable[[BaseRequest], Awaitable[StreamResponse]]
DATES = Clock()


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """The server side of a service: timeouts in seconds (0: none), parser limits in bytes."""

    read_header_timeout: float = DEFAULT_READ_TIMEOUT
    write_timeout: float = 0.0
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT
    max_line_bytes: int = DEFAULT_LINE_BYTES

    @classmethod
    def from_service(cls, service: ServiceConfig) -> ServerOptions:
        """Go's fallbacks (header and idle timeouts default to read_timeout), then Propylon's
        bounds where KrakenD would wait forever: read_timeout's 30 s for the head, 75 s idle.
        """
        read = service.read_timeout
        return cls(
            read_header_timeout=service.read_header_timeout or read or DEFAULT_READ_TIMEOUT,
            write_timeout=service.write_timeout,
            idle_timeout=service.idle_timeout or read or DEFAULT_IDLE_TIMEOUT,
            max_line_bytes=service.max_header_bytes or DEFAULT_LINE_BYTES,
        )

    def handler_args(self) -> dict[str, Any]:
        """aiohttp's keyword arguments for each connection's RequestHandler."""
        return {
            "keepalive_timeout": self.idle_timeout,
            "max_line_size": self.max_line_bytes,
            "max_field_size": self.max_line_bytes,
        }


def refusal(status: int) -> bytes:
    """The whole answer to a request that never reached the router, as Go writes it."""
    text = f"{status} {HTTPStatus(status).phrase}"
    head = f"HTTP/1.1 {text}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
    return f"{head}Content-Length: {len(text)}\r\n\r\n{text}".encode()


def guard(handler: _RequestHandler) -> _RequestHandler:
    """Wraps the application's handler: each request reaching it has a complete head."""

    async def handle(request: BaseRequest) -> StreamResponse:
        protocol = request.protocol
        if isinstance(protocol, GatewayProtocol):
            protocol.head_complete()
            if request.version < HttpVersion10:
                protocol.refuse(400, "an HTTP/0.9 request")
                return web.Response(status=400)  # not written: the connection is closed
        return await handler(request)

    return handle


class GatewayProtocol(RequestHandler):
    """One client connection. See the module's docstring for the timeouts it enforces."""

    def __init__(
        self,
        manager: web.Server,
        *,
        options: ServerOptions,
        lanes: Lanes | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(manager, **kwargs)
        self.options = options
        # The lean lane, while every request so far took it.
        self._lanes = lanes
        self._head_reader = HeadReader() if lanes is not None else None
        self._lane_task: asyncio.Task[None] | None = None
        self._held = bytearray()  # bytes that came while a lane request was answered
        self._remote: str | None = None
        self._secure = False
        self._idle = False  # the deadline is the wait for the next request
        self._awaiting_head = True
        self._line = bytearray()  # the request line being received, until its end
        self._line_ended = False
        self._line_length = 0
        self._busy_data = False  # bytes received while a request was handled
        # One deadline at a time (the head's, then the response's), watched by one timer that
        # is re-armed lazily: a keep-alive request costs no timer of its own.
        self._deadline: float | None = None
        self._overdue = ""
        self._timer: asyncio.TimerHandle | None = None
        self._clock: asyncio.AbstractEventLoop | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._clock = asyncio.get_running_loop()
        peer = transport.get_extra_info("peername")
        self._remote = str(peer[0]) if isinstance(peer, tuple | list) else None
        self._secure = transport.get_extra_info("sslcontext") is not None
        self._start_head_timer()  # as Go: the first head's time counts from the connection

    def data_received(self, data: bytes) -> None:
        if self._lanes is not None:
            if self._lane_task is not None:  # answered in turn, once the one in flight is
                self._held += data
                if self.transport is not None and len(self._held) > self.options.max_line_bytes:
                    self.transport.pause_reading()
                return
            if self._take_lane(data):
                return
            self._lanes = self._head_reader = None  # aiohttp's from here on
        if not self._awaiting_head:
            self._busy_data = True
        elif data:
            if self._deadline is None or self._idle:
                self._start_head_timer()
            if not self._line_ended and not self._read_request_line(data):
                self.refuse(400, "a request line without an HTTP version (HTTP/0.9)")
                return
        super().data_received(data)

    def _read_request_line(self, data: bytes) -> bool:
        """Follows the head's first line; False once it has ended without an HTTP version.

        Checked here because aiohttp's C parser waits for headers after an HTTP/0.9 line,
        and then answers it in HTTP/0.9.
        """
        start = 0 if self._line else len(data) - len(data.lstrip(b"\r\n"))  # CRLFs between requests
        end = data.find(b"\n", start)
        if end < 0:
            self._line_length += len(data) - start
            if self._line_length <= self.options.max_line_bytes:  # longer: the parser refuses it
                self._line += data[start:]
            return True
        self._line_length += end - start
        line = bytes(self._line) + data[start:end]
        self._line_ended = True
        self._line.clear()
        return line.rstrip(b"\r").rpartition(b" ")[2].startswith(b"HTTP/")

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel_timers()
        if self._lane_task is not None:  # as aiohttp's handler_cancellation
            self._lane_task.cancel()
        super().connection_lost(exc)

    async def shutdown(self, timeout: float | None = 15.0) -> None:
        """A lane request in flight is answered first, as aiohttp waits for its handler."""
        self._lanes = None
        task = self._lane_task
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(asyncio.shield(task), timeout)
        await super().shutdown(timeout)

    # The lean lane

    def _take_lane(self, data: bytes) -> bool:
        """Serves ``data`` in the lane if it is one request the lane serves."""
        lanes, reader = self._lanes, self._head_reader
        if lanes is None or reader is None or self._force_close or not data:
            return False
        if len(data) > self.options.max_line_bytes:  # within aiohttp's limits, line by line
            return False
        head = reader.read(data, self.max_headers)
        if head is None:
            return False
        path, query, headers = head
        handler = lanes.handlers.get(path)
        if handler is None and not lanes.routed:
            return False
        if not self._idle:  # the first: aiohttp's wait for it is over, this protocol's begins
            self.keep_alive(True)
        self.head_complete()
        request = LeanRequest(path, query, headers, self._remote, lanes.app, self._secure)
        answer = self._answer(handler, request, data, lanes.receivers)
        self._lane_task = asyncio.get_running_loop().create_task(answer)
        return True

    async def _answer(
        self,
        handler: LaneHandler | None,
        request: LeanRequest,
        data: bytes,
        receivers: tuple[Receiver, ...],
    ) -> None:
        if handler is None:  # a path with parameters: routed as aiohttp routes it
            assert self._lanes is not None
            try:
                handler = await self._lanes.resolve(request)
            except Exception:  # a resource needing more of a request than the lane has
                handler = None
            if handler is None:  # not the lane's: aiohttp's, from this request on
                self._lane_task = None
                self._lanes = self._head_reader = None
                self._awaiting_head = True
                held, self._held = bytes(self._held), bytearray()
                if self.transport is not None:
                    self.transport.resume_reading()
                self.data_received(data + held)
                return
        try:
            try:
                response = await handler(cast(web.Request, request))
            except web.HTTPException as exc:
                response = exc
            date = DATES.date()
            if receivers:  # called as aiohttp calls them: once the framing is set
                await _prepare(receivers, request, response, date)
            if isinstance(response, Answer):
                answer = answer_bytes(response, date)
            else:
                answer = response_bytes(response, date)
        except Exception as exc:  # what aiohttp would answer 500 for, and close
            log.error("error answering %s %s: %r", request.method, request.path, exc)
            answer = b""
        self._lane_task = None
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if not answer:
            transport.write(refusal(500))
            self.force_close()
            return
        transport.write(answer)
        self._deadline = None  # the next head times from its first byte, or the idle wait ends
        self._awaiting_head = True
        self._arm(self.options.idle_timeout, "the next request did not come")
        self._idle = True
        if self._held:
            held = bytes(self._held)
            self._held.clear()
            transport.resume_reading()
            self.data_received(held)

    def head_complete(self) -> None:
        """The request's head is parsed: the header timeout stops, the write timeout starts."""
        self._awaiting_head = False
        self._idle = False
        self._deadline = None
        if self.options.write_timeout > 0:
            self._arm(self.options.write_timeout, "the response was not written")

    async def finish_response(
        self, request: BaseRequest, resp: StreamResponse, start_time: float | None
    ) -> tuple[StreamResponse, bool]:
        try:
            return await super().finish_response(request, resp, start_time)
        finally:
            self._deadline = None
            # The next bytes start the next head (timed from its first byte) unless the body
            # is still coming (aiohttp reads it away) or more was pipelined meanwhile.
            self._awaiting_head = request.content.is_eof()
            self._line_ended = self._busy_data  # where the next request line starts is unknown
            self._busy_data = False
            self._line_length = 0
            self._line.clear()

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> StreamResponse:
        """A request the parser refused: Go's answer and one debug line, not a traceback."""
        if not isinstance(exc, HttpProcessingError):
            return super().handle_error(request, status, exc, message)
        self.head_complete()
        status = self._status_of(exc)
        self.refuse(status, f"{HTTPStatus(status).phrase}" if status != 400 else _first_line(exc))
        return web.Response(status=400)  # not written: the connection is closed

    def refuse(self, status: int, reason: str) -> None:
        """Answers ``status`` and closes the connection."""
        log.debug("refused a request from %s with %d: %s", self._peer(), status, reason)
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(refusal(status))
        self.force_close()

    def _status_of(self, exc: HttpProcessingError) -> int:
        if isinstance(exc, LineTooLong):
            return 414 if self._line_length > self.options.max_line_bytes else 431
        if isinstance(exc, BadHttpMessage) and exc.message == TOO_MANY_HEADERS:
            return 431
        return 400

    def _start_head_timer(self) -> None:
        self._idle = False
        self._deadline = None  # an idle wait ends with the first byte
        self._arm(self.options.read_header_timeout, "the request head was not received")

    def _arm(self, seconds: float, overdue: str) -> None:
        clock = self._clock or asyncio.get_running_loop()
        deadline = self._deadline = clock.time() + seconds
        self._overdue = overdue
        if self._timer is not None and self._timer.when() > deadline:
            self._timer.cancel()  # sooner than the timer's: it would be late
            self._timer = None
        if self._timer is None:
            self._timer = clock.call_at(deadline, self._wake)

    def _wake(self) -> None:
        """The timer's turn: the deadline passed (close), moved later (sleep on), or ended."""
        self._timer = None
        deadline = self._deadline
        if deadline is None or self._clock is None:
            return
        if self._clock.time() < deadline:
            self._timer = self._clock.call_at(deadline, self._wake)
            return
        self._deadline = None
        log.debug("closed the connection of %s: %s in time", self._peer(), self._overdue)
        self.force_close()

    def _cancel_timers(self) -> None:
        self._deadline = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _peer(self) -> str:
        peer = self.peername
        return str(peer[0]) if isinstance(peer, tuple) else str(peer or "a client")


def _first_line(exc: HttpProcessingError) -> str:
    """aiohttp's message, without the echo of the client's bytes that follows it."""
    lines = [line.strip() for line in str(exc.message).splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    return first.partition(" b'")[0].partition(' b"')[0].rstrip(" :")[:120]


async def _prepare(
    receivers: tuple[Receiver, ...],
    request: LeanRequest,
    response: Answer | web.StreamResponse,
    date: str,
) -> None:
    """The ``on_response_prepare`` receivers the lane calls, on its answer."""
    if isinstance(response, Answer):
        prepared: AnswerResponse | web.StreamResponse = AnswerResponse(response)
        body = response.body
    else:
        prepared = response
        raw = getattr(response, "body", None)
        body = bytes(raw) if isinstance(raw, bytes | bytearray) else b""
    add_framing(prepared, body, date)
    for receiver in receivers:
        await receiver(request, prepared)
