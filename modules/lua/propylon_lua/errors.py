"""What a failed script gives the client: KrakenD's status, and its message as the error."""

from __future__ import annotations

from propylon.sdk import ProxyError


class ScriptError(ProxyError):
    """A script that raised, ran past its bounds, or could not load: 500, as in KrakenD."""


class CustomError(ProxyError):
    """``custom_error(message, status, content_type)``: the status and content type asked for."""

    def __init__(self, message: str, status: int, content_type: str = "") -> None:
        super().__init__(message)
        self.status_code = status
        self.content_type = content_type
