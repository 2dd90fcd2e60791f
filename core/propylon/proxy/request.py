"""Backend request building: the url_pattern filled with params, a host picked, the query added."""

from __future__ import annotations

import itertools
from urllib.parse import quote, urlencode

from propylon.config.model import BackendConfig
from propylon.config.params import PLACEHOLDER, param_key
from propylon.proxy.types import Proxy, Request, Response

_PATH_SAFE = "/-._~!$&'()*+,;=:@"


def compile_pattern(pattern: str) -> list[tuple[bool, str]]:
    """``/a/{id}?x={y}`` -> [(False, '/a/'), (True, 'Id'), (False, '?x='), (True, 'Y')]."""
    parts: list[tuple[bool, str]] = []
    pos = 0
    for match in PLACEHOLDER.finditer(pattern):
        if match.start() > pos:
            parts.append((False, pattern[pos : match.start()]))
        parts.append((True, param_key(match.group(1))))
        pos = match.end()
    if pos < len(pattern):
        parts.append((False, pattern[pos:]))
    return parts


def fill(parts: list[tuple[bool, str]], params: dict[str, str]) -> str:
    return "".join(quote(params.get(v, ""), safe=_PATH_SAFE) if p else v for p, v in parts)


def new_request_builder(backend: BackendConfig, next_proxy: Proxy) -> Proxy:
    """Sets the backend's method and path, and narrows headers and query to what it declares."""
    parts = compile_pattern(backend.url_pattern)
    static_path = None if any(p for p, _ in parts) else backend.url_pattern
    method = backend.method
    headers = _allow_list(backend.input_headers, canonical=True)
    query = _allow_list(backend.input_query_strings, canonical=False)

    async def build_request(request: Request) -> Response:
        request.path = static_path if static_path is not None else fill(parts, request.params)
        request.method = method
        if headers is not None:
            request.headers = {k: v for k, v in request.headers.items() if k.lower() in headers}
        if query is not None:
            request.query = {k: v for k, v in request.query.items() if k in query}
        return await next_proxy(request)

    return build_request


def _allow_list(names: list[str] | None, canonical: bool) -> frozenset[str] | None:
    if names is None or "*" in names:
        return None
    return frozenset(n.lower() for n in names) if canonical else frozenset(names)


def new_load_balancer(backend: BackendConfig, next_proxy: Proxy) -> Proxy:
    """Round-robin over the backend's hosts; the query joins any the url_pattern has."""
    hosts = backend.host
    pick = itertools.cycle(hosts).__next__ if len(hosts) > 1 else (lambda: hosts[0])

    async def balance(request: Request) -> Response:
        url = pick() + request.path
        if request.query:
            encoded = urlencode(sorted(request.query.items()), doseq=True)
            url += ("&" if "?" in url else "?") + encoded
        request.url = url
        return await next_proxy(request)

    return balance
