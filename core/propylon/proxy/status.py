"""What a backend's status code means: ``backend/http`` return_error_code / return_error_details."""

from __future__ import annotations

from collections.abc import Callable

from propylon.config.core_options import BACKEND_HTTP, BackendHTTPOptions
from propylon.config.model import BackendConfig
from propylon.proxy.errors import BackendResponseError, InvalidStatusError
from propylon.proxy.types import Metadata, Response
from propylon.transport.client import BackendResponse

OK_STATUSES = frozenset((200, 201))

# Returns None for a response to decode, or a Response that stands for the error.
StatusHandler = Callable[[BackendResponse], Response | None]


def new_status_handler(backend: BackendConfig) -> StatusHandler:
    options = BACKEND_HTTP.of(backend) or BackendHTTPOptions()
    details_name = options.return_error_details
    pass_code = options.return_error_code
    method, pattern = backend.method, backend.url_pattern

    def handle(resp: BackendResponse) -> Response | None:
        if resp.status in OK_STATUSES:
            return None
        if details_name or pass_code:
            error = BackendResponseError(
                resp.status,
                resp.body.decode("utf-8", errors="replace"),
                resp.headers.get("Content-Type", ""),
                details_name,
            )
            if not details_name:
                raise error
            return Response(
                {f"error_{details_name}": error.details()},
                is_complete=False,
                metadata=Metadata(resp.status),
            )
        raise InvalidStatusError(resp.status, method, pattern, resp.url)

    return handle
