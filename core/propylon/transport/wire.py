"""One kept-alive HTTP/1.1 connection to a backend.

A request is written in one piece; the response is parsed by llhttp (httptools) as bytes
arrive, so Python runs per callback, not per byte, and no stream or task is made per
request. The body is bounded while it is read: a declared length past the limit is refused
before reading, a chunked or compressed one as it grows (counted as decoded). A large body
first waits for room in the worker's memory budget, reading paused meanwhile.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Sequence
from typing import Final, cast

import httptools
from multidict import CIMultiDict

from propylon.transport.budget import MemoryBudget, new_lease
from propylon.transport.errors import (
    BodyTooLarge,
    ConnectionClosed,
    InvalidResponse,
    ResponseHeaderTimeout,
)
from propylon.transport.limits import LARGE_BODY

# What the parser may ask of the waiting request: nothing more (the response is complete),
# or room in the memory budget for a body of a given size (any positive number).
_DONE: Final = 0
# The decoders of the content codings a response may use, as aiohttp and Go's client decode.
_GZIP_BITS = 16 + zlib.MAX_WBITS
# The lengths of the framing headers' names (content-encoding, content-length,
# transfer-encoding): a cheap first test.
_FRAMING_LENGTHS = frozenset((16, 14, 17))


# A response's headers as llhttp gave them: (name, value) bytes, in order.
RawHeaders = Sequence[tuple[bytes, bytes]]


def decode_headers(raw: RawHeaders) -> CIMultiDict[str]:
    """``raw`` as aiohttp's client decoded them: names in latin-1, values in UTF-8."""
    return CIMultiDict(
        [(n.decode("latin-1"), v.decode("utf-8", "surrogateescape")) for n, v in raw]
    )


class Reply:
    """A parsed response: status, headers as sent, and the (decoded) body."""

    __slots__ = ("body", "raw", "status")

    def __init__(self, status: int, raw: RawHeaders, body: bytes) -> None:
        self.status = status
        self.raw = raw
        self.body = body


class Connection(asyncio.Protocol):
    """Carries one exchange at a time; reusable when the last one ended cleanly."""

    def __init__(self, origin: str, budget: MemoryBudget) -> None:
        self.origin = origin
        self.budget = budget
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self._parser = httptools.HttpResponseParser(self)
        self._loop = asyncio.get_running_loop()
        self._waiter: asyncio.Future[int] | None = None
        self._error: BaseException | None = None
        self._raw: list[tuple[bytes, bytes]] = []
        self._headed = False  # the response's head was read
        self._chunks: list[bytes] = []
        self._size = 0
        self._limit = 0
        self._head_only = False
        self._status = 0
        self._decoder: zlib._Decompress | None = None
        self._until_eof = False
        self._sized = False
        self._received = False
        self._complete = False
        self._keep_alive = False
        self._reset_parser = False
        self._head_timer: asyncio.TimerHandle | None = None

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:
            self._close()  # bytes nobody asked for: the connection cannot be trusted
            return
        self._received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserCallbackError:
            pass  # the callback's own error is already kept
        except httptools.HttpParserError as exc:
            self._fail(InvalidResponse(self.origin, str(exc) or type(exc).__name__))
        if self._reset_parser:
            self._reset_parser = False
            self._parser = httptools.HttpResponseParser(self)
        if self._error is not None:
            self._close()

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is None or self._complete:
            return
        if self._headed and self._until_eof:
            self._finish()  # a body without length or chunks ends where the connection does
        else:
            self._fail(ConnectionClosed(self.origin))

    # The exchange

    async def exchange(
        self, request: bytes, limit: int, head_only: bool, head_timeout: float = 0.0
    ) -> Reply:
        """Sends ``request`` (head and body) and waits for the whole response, its head for
        ``head_timeout`` seconds at most (0: as long as the caller waits)."""
        self._begin(limit, head_only)
        transport = self.transport
        assert transport is not None
        transport.write(request)
        if head_timeout > 0:
            self._head_timer = self._loop.call_later(head_timeout, self._head_late, head_timeout)
        lease, kept = None, True
        try:
            while True:
                waiter = self._waiter = self._loop.create_future()
                need = await waiter
                if need == _DONE:
                    break
                if lease is None:
                    lease, kept = new_lease(self.budget)
                await lease.take(need)
                if self._complete:
                    break
                if self._error is not None:
                    raise self._error
                transport.resume_reading()
            if lease is not None:
                lease.shrink(self._size)
            return self._reply()
        except BaseException:
            self._close()
            raise
        finally:
            self._waiter = None
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None
            if lease is not None and not kept:
                lease.release()

    @property
    def reusable(self) -> bool:
        return self._complete and self._keep_alive and not self.closed

    @property
    def received(self) -> bool:
        """Whether any byte of a response arrived (a failed reused connection that received
        nothing may be retried on a new one)."""
        return self._received

    def close(self) -> None:
        self._close()

    def _begin(self, limit: int, head_only: bool) -> None:
        self._error = None
        self._raw = []
        self._headed = False
        self._chunks = []
        self._size = 0
        self._limit = limit
        self._head_only = head_only
        self._decoder = None
        self._until_eof = False
        self._sized = False
        self._received = False
        self._complete = False
        self._keep_alive = False

    def _reply(self) -> Reply:
        chunks = self._chunks
        self._chunks = []  # a kept connection must not hold on to its last body
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return Reply(self._status, self._raw, body)

    def _wake(self, need: int) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(need)

    def _head_late(self, seconds: float) -> None:
        self._head_timer = None
        self._fail(ResponseHeaderTimeout(self.origin, seconds))
        self._close()

    def _fail(self, error: BaseException) -> None:
        if self._error is None:
            self._error = error
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def _finish(self) -> None:
        decoder = self._decoder
        if decoder is not None:
            try:
                self._add(decoder.flush())
            except zlib.error as exc:
                self._fail(InvalidResponse(self.origin, f"body does not decode: {exc}"))
                return
        self._complete = True
        self._wake(_DONE)

    def _close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _add(self, chunk: bytes) -> None:
        if not chunk:
            return
        size = self._size = self._size + len(chunk)
        if size > self._limit:
            raise BodyTooLarge(self._limit)
        self._chunks.append(chunk)

    # llhttp's callbacks (httptools calls them by name)

    def on_message_begin(self) -> None:
        if self._complete:
            self._keep_alive = False  # a response nobody asked for: not reused
        self._raw = []

    def on_header(self, name: bytes, value: bytes) -> None:
        self._raw.append((name, value))

    def on_headers_complete(self) -> None:
        status = self._status = self._parser.get_status_code()
        if status < 200:
            return  # an informational response: the real one follows
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        self._headed = True
        self._keep_alive = self._parser.should_keep_alive()
        if self._head_only:
            self._reset_parser = True  # llhttp would wait for the body HEAD announces
            self._finish()
            return
        coding = length = None
        chunked = False
        for name, value in self._raw:  # the first of each, as a multidict's get
            if len(name) in _FRAMING_LENGTHS:
                low = name.lower()
                if low == b"content-encoding" and coding is None:
                    coding = value.decode("utf-8", "surrogateescape")
                elif low == b"content-length" and length is None:
                    length = value.decode("latin-1")
                elif low == b"transfer-encoding":
                    chunked = True
        if coding is not None:
            coding = coding.strip().lower()
            if coding in ("gzip", "x-gzip"):
                self._decoder = zlib.decompressobj(_GZIP_BITS)
            elif coding == "deflate":
                self._decoder = zlib.decompressobj(zlib.MAX_WBITS + 32)
        if length is not None and not chunked:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared > self._limit:
                self._fail(BodyTooLarge(self._limit))
                raise BodyTooLarge(self._limit)
            if self._decoder is None:
                self._sized = True
                if declared >= LARGE_BODY:
                    self._pause_for(declared)
        elif not chunked and status not in (204, 304):
            self._until_eof = True

    def on_body(self, body: bytes) -> None:
        try:
            before = self._size
            decoder = self._decoder
            if decoder is None:
                self._add(body)
            else:
                self._add(decoder.decompress(body, self._limit - self._size + 1))
                if decoder.unconsumed_tail:
                    raise BodyTooLarge(self._limit)
            if not self._sized and before < LARGE_BODY <= self._size:
                self._pause_for(self._limit)  # of unknown size: room for the most it may be
        except BodyTooLarge as exc:
            self._fail(exc)
            raise
        except zlib.error as exc:
            error = InvalidResponse(self.origin, f"body does not decode: {exc}")
            self._fail(error)
            raise error from None

    def on_message_complete(self) -> None:
        if self._status < 200 or self._complete:
            return
        self._finish()

    def _pause_for(self, size: int) -> None:
        transport = self.transport
        if transport is not None:
            transport.pause_reading()
        self._wake(size)
