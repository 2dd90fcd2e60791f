"""Martian's ``body.Modifier`` and ``status.Modifier``, and KrakenD's ``static.Modifier``
(the backend answered from local files, without calling it).

A body set on a response honours the request's ``Range`` header as martian does: one range
gives a 206 with ``Content-Range``, several a ``multipart/byteranges`` body, an unsatisfiable
one a 416.
"""

from __future__ import annotations

import mimetypes
import os
import secrets
from pathlib import Path

from propylon_martian.definition import DefinitionError, Fields, Result, modifier, new_result
from propylon_martian.errors import ModifierError
from propylon_martian.message import BackendRequest, BackendResponse

PARTIAL, UNSATISFIABLE = 206, 416
NOT_FOUND, UNAUTHORIZED, SERVER_ERROR = 404, 401, 500


def _ranges(header: str, size: int) -> list[tuple[int, int]] | None:
    """The byte ranges asked for, or None when they cannot be served (416)."""
    found = []
    for spec in header.lower().lstrip("bytes=").split(","):
        if spec.endswith("-"):
            spec = f"{spec}{size - 1}"
        bounds = spec.split("-")
        if len(bounds) != 2:
            return None
        try:
            start, end = int(bounds[0].strip()), int(bounds[1].strip())
        except ValueError:
            raise ModifierError(f"strconv.Atoi: parsing {spec!r}: invalid syntax") from None
        if start > end or start < 0 or start >= size:
            return None
        found.append((start, min(end, size - 1)))
    return found


def serve(res: BackendResponse, body: bytes, content_type: str) -> None:
    """``body`` as the response, or the parts of it the request's ``Range`` asks for."""
    res.headers["Content-Type"] = content_type
    res.headers.popall("Content-Encoding", None)
    asked = res.request.headers.get("Range", "")
    if not asked:
        res.body = body
        return
    ranges = _ranges(asked, len(body))
    if ranges is None:
        res.status = UNSATISFIABLE
        return
    res.status = PARTIAL
    if len(ranges) == 1:
        start, end = ranges[0]
        res.body = body[start : end + 1]
        res.headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
        return
    boundary = secrets.token_hex(30)
    parts = []
    for start, end in ranges:
        head = f"Content-Range: bytes {start}-{end}/{len(body)}\r\nContent-Type: {content_type}"
        parts.append(f"--{boundary}\r\n{head}\r\n\r\n".encode() + body[start : end + 1])
    res.body = b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()
    res.headers["Content-Type"] = f"multipart/byteranges; boundary={boundary}"


class SetBody:
    """``body.Modifier``: replaces the body and its ``Content-Type``."""

    def __init__(self, body: bytes, content_type: str) -> None:
        self.body, self.content_type = body, content_type

    def modify_request(self, req: BackendRequest) -> None:
        req.headers["Content-Type"] = self.content_type
        req.headers.popall("Content-Encoding", None)
        req.body = self.body
        req.content_length = len(self.body)

    def modify_response(self, res: BackendResponse) -> None:
        serve(res, self.body, self.content_type)


class SetStatus:
    """``status.Modifier``: the response's status code."""

    def __init__(self, status: int) -> None:
        self.status = status

    def modify_response(self, res: BackendResponse) -> None:
        res.status = self.status


class StaticFiles:
    """``static.Modifier``: the request is not sent; the response is the file at the request's
    path under ``root`` (or the one ``explicit`` maps that path to)."""

    def __init__(self, root: str, explicit: dict[str, str]) -> None:
        self.root = Path(os.path.normpath(root or "."))
        self.explicit = explicit

    def modify_request(self, req: BackendRequest) -> None:
        req.skip_round_trip = True
        if req.scheme == "https":
            req.scheme = "http"

    def modify_response(self, res: BackendResponse) -> None:
        asked = os.path.normpath("/" + res.request.path.lstrip("/"))
        relative = self.explicit.get(asked, asked)
        path = self.root / relative.lstrip("/")
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            res.status = NOT_FOUND
            return
        except PermissionError as exc:
            res.status = UNAUTHORIZED
            raise ModifierError(f"open {path}: {exc.strerror}") from None
        except OSError as exc:
            res.status = SERVER_ERROR
            raise ModifierError(f"open {path}: {exc.strerror}") from None
        serve(res, content, mimetypes.guess_type(path.name)[0] or "")


@modifier("body.Modifier", "body", "contentType")
def _body(fields: Fields) -> Result:
    return new_result(fields, SetBody(fields.base64("body"), fields.header_value("contentType")))


@modifier("status.Modifier", "statusCode")
def _status(fields: Fields) -> Result:
    if not fields.has("statusCode"):
        raise DefinitionError(fields.path("statusCode"), "is required")
    return new_result(fields, SetStatus(fields.integer("statusCode", 100, 599)))


@modifier("static.Modifier", "rootPath", "explicitPaths")
def _static(fields: Fields) -> Result:
    return new_result(
        fields, StaticFiles(fields.string("rootPath"), fields.mapping("explicitPaths"))
    )
