"""Values the router layer keeps on a client request, under typed keys.

aiohttp (3.14 on) types a request's storage with ``web.RequestKey`` and warns about plain
string keys; with an older aiohttp the key is its name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

_REQUEST_KEY = getattr(web, "RequestKey", None)


def request_key(name: str, kind: Any) -> Any:
    """A key for ``request[key]``: a ``web.RequestKey[kind]`` where aiohttp has it."""
    return _REQUEST_KEY(name, kind) if _REQUEST_KEY is not None else f"propylon.{name}"


# What handler-layer extensions add to a client request for its backends.
ADDED_PARAMS = request_key("added_params", dict)
ADDED_HEADERS = request_key("added_headers", dict)
# The claims of the token an authentication module verified.
CLAIMS = request_key("claims", Mapping)
# The route a request rewritten by a router plugin was matched to again (its params).
ROUTE_MATCH = request_key("route_match", Mapping)
# The client IP the router options give (router.clientip.client_ip), once computed.
CLIENT_IP = request_key("client_ip", str)
# The application's client-IP finder, in its storage (a key typed as aiohttp wants it).
CLIENT_IP_FINDER: Any = (
    web.AppKey("client_ip_finder", object) if hasattr(web, "AppKey") else "propylon.client_ip"
)
