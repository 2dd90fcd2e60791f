"""The HTTP client layer of a backend with client credentials: each call carries the
configuration's token in ``Authorization``, replacing any the client request forwarded.

Without a token there is no call: the backend fails as a backend that cannot be reached
fails (500, or a partial response beside other backends), and the cause is logged.
"""

from __future__ import annotations

from collections.abc import Callable

from propylon.sdk import BackendResponse, Headers, HTTPExecutor, ProxyError

from propylon_client_credentials.grant import GrantError
from propylon_client_credentials.source import TokenSource


class TokenError(ProxyError):
    """Named as Go names a failed call: ``Get "<backend url>": <cause>``."""

    def __init__(self, method: str, url: str, cause: GrantError) -> None:
        super().__init__(f'{method[:1].upper()}{method[1:].lower()} "{url}": {cause}')


def new_client_credentials(source: TokenSource) -> Callable[[HTTPExecutor], HTTPExecutor]:
    def wrap(execute: HTTPExecutor) -> HTTPExecutor:
        async def authorized(
            method: str, url: str, headers: Headers, body: bytes
        ) -> BackendResponse:
            try:
                token = await source.token()
            except GrantError as exc:
                raise TokenError(method, url, exc) from None
            sent = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            sent["Authorization"] = [token.authorization]
            return await execute(method, url, sent, body)

        return authorized

    return wrap
