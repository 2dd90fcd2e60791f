"""Errors a proxy raises; the router turns them into responses."""

from __future__ import annotations

from typing import Any


class ProxyError(Exception):
    """A failure with the HTTP status the client should get (500 unless said otherwise)."""

    status_code = 500
    content_type = ""


def status_of(exc: BaseException) -> int:
    """The status a client gets for ``exc``: its own if HTTP can carry it (plugins set any)."""
    status = getattr(exc, "status_code", 500)
    return status if isinstance(status, int) and 100 <= status <= 599 else 500


class InvalidStatusError(ProxyError):
    """A backend answered something other than 200 or 201."""

    def __init__(self, status: int, method: str, url_pattern: str, url: str) -> None:
        super().__init__(f"invalid status code {status} [{method} {url_pattern}]: {url}")


class BackendResponseError(ProxyError):
    """A backend's error response passed on to the client (``backend/http`` options)."""

    def __init__(self, status: int, body: str, encoding: str, name: str = "") -> None:
        super().__init__(body)
        self.status_code = status
        self.body = body
        self.content_type = encoding
        self.name = name

    def details(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"http_status_code": self.status_code}
        if self.body:
            detail["http_body"] = self.body
        if self.content_type:
            detail["http_body_encoding"] = self.content_type
        return detail


class MergedError(ProxyError):
    """Several backends failed; keeps each error for logging."""

    def __init__(self, errors: list[BaseException]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class TimeoutExceeded(ProxyError):
    def __init__(self) -> None:
        super().__init__("context deadline exceeded")


class NoHostsError(ProxyError):
    def __init__(self) -> None:
        super().__init__("no hosts available")
