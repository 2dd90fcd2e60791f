"""What a call to a backend can fail with. Each is an ``aiohttp.ClientError``, so code that
catches the client errors of aiohttp (plugins, modules) keeps catching these."""

from __future__ import annotations

import aiohttp

MAX_REDIRECTS = 10


class TooManyRedirects(aiohttp.ClientError):
    def __init__(self) -> None:
        super().__init__(f"stopped after {MAX_REDIRECTS} redirects")


class BodyTooLarge(aiohttp.ClientError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"backend response larger than {limit} bytes")


class ConnectFailed(aiohttp.ClientConnectionError):
    """No connection to the backend's host (refused, unreachable, unresolved, TLS)."""

    def __init__(self, origin: str, cause: BaseException) -> None:
        reason = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
        super().__init__(f"cannot connect to {origin}: {reason}")


class ConnectionClosed(aiohttp.ServerDisconnectedError):
    """The backend closed the connection before its response ended."""

    def __init__(self, origin: str) -> None:
        super().__init__(f"{origin} closed the connection before the response ended")


class InvalidResponse(aiohttp.ClientError):
    """Bytes that are not an HTTP/1.x response, or a body that does not decode."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"invalid response from {origin}: {reason}")


class InvalidHeader(ValueError):
    """A header that would split the request (CR, LF or NUL in it): never sent."""

    def __init__(self, name: str) -> None:
        super().__init__(f"header {name!r} has a line break or NUL: not sent")


class ResponseHeaderTimeout(aiohttp.ServerTimeoutError):
    """The backend's response head did not come within ``response_header_timeout``."""

    def __init__(self, origin: str, seconds: float) -> None:
        super().__init__(f"timeout awaiting response headers from {origin} ({seconds:g}s)")
