"""An endpoint's answer before it is written: status, headers in order, body.

The core's endpoint handler makes one, and a module's handler around it passes it on, changes
it or answers one of its own; aiohttp writes it as a ``web.Response``
(``web_response``), the lean lane writes its bytes itself (``answer_bytes``) as aiohttp would:
the headers in their order (never Server), then Content-Length, a default Content-Type when
there is a body and none, Date; no body, Content-Length nor Transfer-Encoding for 1xx, 204
and 304.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from http import HTTPStatus

from aiohttp import web
from multidict import CIMultiDict

# aiohttp's reason phrases: the standard ones, else none.
REASONS = {status.value: status.phrase for status in HTTPStatus}
_NO_BODY = frozenset((204, 304))
_EMPTY_FRAMING = frozenset(("content-length", "transfer-encoding"))


Fields = tuple[tuple[str, str], ...]


class Answer:
    """What a handler answers: ``Answer(401)`` is an empty refusal.

    Its headers change only through ``set``, ``add``, ``remove`` and ``replace`` (``headers`` is a tuple):
    an answer the core made ``plain`` is written without checks, so whatever a module adds
    makes it an answer checked as it is written.
    """

    __slots__ = ("_headers", "body", "plain", "status")

    def __init__(
        self,
        status: int = 200,
        headers: Iterable[tuple[str, str]] = (),
        body: bytes = b"",
        plain: bool = False,
    ) -> None:
        self.status = status
        self._headers: Fields = tuple(headers)
        self.body = body
        # Only the gateway's own headers (no framing, Date, Server, line break; a
        # Content-Type with any body): written without checks.
        self.plain = plain

    @property
    def headers(self) -> Fields:
        """In order, as written."""
        return self._headers

    def add(self, name: str, value: str) -> None:
        """One more header, after those of the same name."""
        self._headers += ((name, value),)
        self.plain = False

    def set(self, name: str, value: str) -> None:
        """Header ``name`` set to ``value`` as a multidict sets it: in the place of the first
        of that name (any case), the others removed; else last."""
        low = name.lower()
        kept: list[tuple[str, str]] = []
        placed = False
        for key, old in self._headers:
            if key.lower() != low:
                kept.append((key, old))
            elif not placed:
                kept.append((name, value))
                placed = True
        if not placed:
            kept.append((name, value))
        self._headers = tuple(kept)
        self.plain = False

    def replace(self, headers: Iterable[tuple[str, str]]) -> None:
        """Every header at once, in order."""
        self._headers = tuple(headers)
        self.plain = False

    def remove(self, name: str) -> None:
        """Every header called ``name``, in any case."""
        low = name.lower()
        self._headers = tuple((k, v) for k, v in self._headers if k.lower() != low)


def web_response(answer: Answer) -> web.Response:
    return web.Response(status=answer.status, body=answer.body, headers=CIMultiDict(answer.headers))


def answer_bytes(answer: Answer, date: str) -> bytes:
    """``answer`` to a keep-alive HTTP/1.1 GET, as aiohttp writes it."""
    status = answer.status
    if answer.plain and status >= 200 and status not in _NO_BODY:
        fields = "".join([f"{name}: {value}\r\n" for name, value in answer.headers])
        head = f"HTTP/1.1 {status} {REASONS.get(status, '')}\r\n{fields}"
        tail = f"Content-Length: {len(answer.body)}\r\nDate: {date}\r\n\r\n"
        return (head + tail).encode("utf-8", "surrogateescape") + answer.body
    return wire_bytes(status, REASONS.get(status, ""), answer.headers, answer.body, date)


def framing(status: int, present: Container[str], body: bytes, date: str) -> list[tuple[str, str]]:
    """What aiohttp adds to a response with headers named ``present`` (lower case), in its
    order: the body's length and a default type, unless the status has none; Date."""
    added = []
    if status >= 200 and status not in _NO_BODY:
        if "content-length" not in present:
            added.append(("Content-Length", str(len(body))))
        if body and "content-type" not in present:
            added.append(("Content-Type", "application/octet-stream"))
    if "date" not in present:
        added.append(("Date", date))
    return added


def wire_bytes(
    status: int, reason: str, headers: Iterable[tuple[str, str]], body: bytes, date: str
) -> bytes:
    """The status line, ``headers`` and what aiohttp adds, then ``body``. ValueError for what
    aiohttp refuses to write (a line break in a header or the reason) or would write other
    than it says (a Content-Length that is not the body's)."""
    empty = status < 200 or status in _NO_BODY
    lines = [f"HTTP/1.1 {status} {reason}\r\n"]
    seen: set[str] = set()
    declared = None
    for name, value in headers:
        low = name.lower()
        seen.add(low)
        if low == "server" or (empty and low in _EMPTY_FRAMING):
            continue
        if low == "content-length" and declared is None:
            declared = value
        lines.append(f"{name}: {value}\r\n")
    if not empty and declared is not None and declared.strip() != str(len(body)):
        raise ValueError("a Content-Length that is not the body's")
    for name, value in framing(status, seen, body, date):
        lines.append(f"{name}: {value}\r\n")
    lines.append("\r\n")
    text = "".join(lines)
    if text.count("\n") != len(lines) or text.count("\r") != len(lines):  # one CRLF a line
        raise ValueError("a line break in a response header")
    head = text.encode("utf-8", "surrogateescape")
    return head if empty or not body else head + body
