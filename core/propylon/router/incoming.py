"""What an endpoint handler reads of a client's request, whichever server parsed it.

Both aiohttp's ``web.Request`` and the lean lane's request (``propylon.router.lean``) are
one; a handler typed against this protocol, and not against either, serves both ways, so
an endpoint wrapped by modules still takes the lane. The request is also a store of values
for the layers after it (``request[key]``), as aiohttp's is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from multidict import CIMultiDictProxy, MultiMapping
from yarl import URL


class ServerRequest(Protocol):
    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str:
        """Decoded, as routed."""

    @property
    def host(self) -> str: ...

    @property
    def headers(self) -> CIMultiDictProxy[str]: ...

    @property
    def match_info(self) -> Mapping[str, str]:
        """The route's params."""

    @property
    def remote(self) -> str | None:
        """The peer's address (not the client IP a proxy reports: see ``client_ip``)."""

    @property
    def rel_url(self) -> URL:
        """Path and query, encoded as sent."""

    @property
    def raw_path(self) -> str:
        """Path and query as sent."""

    @property
    def secure(self) -> bool:
        """Whether it came over TLS."""

    @property
    def query(self) -> MultiMapping[str]: ...

    @property
    def cookies(self) -> Mapping[str, str]: ...

    @property
    def body_exists(self) -> bool: ...

    async def read(self) -> bytes:
        """The whole body (bounded by the router's ``max_payload``)."""

    def __getitem__(self, key: Any) -> Any: ...

    def __setitem__(self, key: Any, value: Any) -> None: ...

    def __contains__(self, key: object) -> bool: ...

    def __len__(self) -> int: ...
