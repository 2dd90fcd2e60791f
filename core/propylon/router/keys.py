"""Values the router layer keeps on a client request, under typed keys.

aiohttp (3.14 on) types a request's storage with ``web.RequestKey`` and warns about plain
string keys; with an older aiohttp the key is its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from propylon.router.incoming import ServerRequest

_REQUEST_KEY = getattr(web, "RequestKey", None)


def request_key(name: str, kind: Any) -> Any:
    """A key for ``request[key]``: a ``web.RequestKey[kind]`` where aiohttp has it."""
    return _REQUEST_KEY(name, kind) if _REQUEST_KEY is not None else f"propylon.{name}"


class RequestState:
    """What the router layer and extensions keep on one client request, in one storage entry:
    reading a key a request's storage lacks costs an exception in aiohttp, and with one entry
    a request that has any has this one."""

    __slots__ = ("claims", "client_ip", "headers", "params", "route_match")

    def __init__(self) -> None:
        # What handler-layer extensions add for the backends: params, then headers.
        self.params: dict[str, str] | None = None
        self.headers: dict[str, list[str]] | None = None
        # The claims of the token an authentication module verified.
        self.claims: Mapping[str, Any] | None = None
        # The route a request rewritten by a router plugin was matched to again (its params).
        self.route_match: Mapping[str, str] | None = None
        # The client IP the router options give (router.clientip.client_ip), once computed.
        self.client_ip: str | None = None

    def copy(self) -> RequestState:
        state = RequestState()
        for name in self.__slots__:
            value = getattr(self, name)
            setattr(state, name, value.copy() if isinstance(value, dict) else value)
        return state


STATE = request_key("state", RequestState)


def peek_state(request: ServerRequest) -> RequestState | None:
    """The request's state, if anything was kept on it (the common case has nothing)."""
    return request[STATE] if len(request) and STATE in request else None


def state_of(request: ServerRequest) -> RequestState:
    """The request's state, made on first use."""
    state = peek_state(request)
    if state is None:
        state = request[STATE] = RequestState()
    return state


def own_state(request: ServerRequest) -> RequestState:
    """The state of a cloned request, no longer shared with the one it was cloned from."""
    state = peek_state(request)
    state = RequestState() if state is None else state.copy()
    request[STATE] = state
    return state


# The application's client-IP finder, in its storage (a key typed as aiohttp wants it).
CLIENT_IP_FINDER: Any = (
    web.AppKey("client_ip_finder", object) if hasattr(web, "AppKey") else "propylon.client_ip"
)
