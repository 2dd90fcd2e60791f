"""``ctx``: the client's request as ``modifier/lua-endpoint`` scripts see and change it.

KrakenD hands these scripts gin's context, before the endpoint builds its request: what a
script changes (method, URL and query, host, headers, params, body) is what the endpoint
reads. A client request cannot be changed once its body is read, so the handler after the
script gets a view of it: the script's values where it changed them, the original elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from multidict import CIMultiDict, CIMultiDictProxy
from propylon.sdk import ServerRequest, add_param
from yarl import URL

from propylon_lua.convert import AWAIT, LIST, NONE, TABLE, VALUE, Result, Unbox, fail, raw, text
from propylon_lua.ops import NEEDS_ARGUMENTS, NOT_A_LIST, Op, canonical, go_query


class RouterContext:
    """A client request and what its script changed."""

    def __init__(self, request: ServerRequest) -> None:
        self.request = request
        self.method = request.method
        self.url = request.rel_url
        self.host = request.host
        self.headers: CIMultiDict[str] = CIMultiDict(request.headers)
        self.params: dict[str, str] = dict(request.match_info)
        self.body: bytes | None = None
        self.changed = False

    async def read_body(self) -> bytes:
        if self.body is None:
            self.body = await self.request.read() if self.request.body_exists else b""
        return self.body

    def result(self) -> ServerRequest:
        """What the next handler gets: the request itself when the script changed nothing."""
        if not self.changed:
            return self.request
        for key, value in self.params.items():
            if key not in self.request.match_info:
                add_param(self.request, key[:1].upper() + key[1:], value)
        return ScriptedRequest(self)


class ScriptedRequest:
    """The request as its script left it; everything else is the original's."""

    def __init__(self, ctx: RouterContext) -> None:
        self._original = ctx.request
        self.method = ctx.method
        self.rel_url = ctx.url
        self.path = ctx.url.path
        self.query = ctx.url.query
        self.host = ctx.host
        self.headers = CIMultiDictProxy(ctx.headers)
        self.match_info = ctx.params
        self._body = ctx.body

    @property
    def remote(self) -> str | None:
        return self._original.remote

    @property
    def cookies(self) -> Mapping[str, str]:
        return self._original.cookies

    @property
    def body_exists(self) -> bool:
        return bool(self._body) if self._body is not None else self._original.body_exists

    @property
    def can_read_body(self) -> bool:
        return self.body_exists

    async def read(self) -> bytes:
        return self._body if self._body is not None else await self._original.read()

    async def text(self) -> str:
        return (await self.read()).decode("utf-8", "replace")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)

    def __getitem__(self, key: Any) -> Any:
        return self._original[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._original[key] = value

    def __contains__(self, key: Any) -> bool:
        return key in self._original

    def __len__(self) -> int:
        return len(self._original)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._original)

    # The rest of a mapping's, for aiohttp's handlers after the service-level script.

    def get(self, key: Any, default: Any = None) -> Any:
        return cast(Any, self._original).get(key, default)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        return cast(Any, self._original).setdefault(key, default)


def ctx_method(ctx: RouterContext, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
    if n == 0:
        return VALUE, ctx.method.encode()
    ctx.method, ctx.changed = text(value), True
    return NONE


def ctx_url(ctx: RouterContext, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
    if n == 0:
        return VALUE, str(ctx.url).encode()
    try:
        ctx.url = URL(text(value), encoded=True)
    except ValueError:
        return NONE
    ctx.changed = True
    return NONE


def ctx_host(ctx: RouterContext, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
    if n == 0:
        return VALUE, ctx.host.encode()
    ctx.host, ctx.changed = text(value), True
    return NONE


def ctx_query(ctx: RouterContext, n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    if n == 0:
        return fail(NEEDS_ARGUMENTS)
    name = text(key)
    if n == 1:
        return VALUE, ctx.url.query.get(name, "").encode()
    query = {k: ctx.url.query.getall(k) for k in ctx.url.query}
    query[name] = [text(value)]
    ctx.url = ctx.url.with_query(None).with_query(go_query(query))
    ctx.changed = True
    return NONE


def ctx_params(ctx: RouterContext, n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    if n == 0:
        return TABLE, dict(ctx.params)
    if n == 1:
        return VALUE, ctx.params.get(text(key), "").encode()
    if n == 2:
        ctx.params[text(key)] = text(value)
        ctx.changed = True
    return NONE


def ctx_headers(ctx: RouterContext, n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    if n == 0:
        table: dict[str, list[str]] = {}
        for name, item in ctx.headers.items():
            table.setdefault(canonical(name), []).append(item)
        return TABLE, table
    name = text(key)
    if n == 1:
        return VALUE, ctx.headers.get(name, "").encode()
    if n == 2:
        ctx.headers.popall(name, None)
        if value is not None:
            ctx.headers[canonical(name)] = text(value)
        ctx.changed = True
    return NONE


def ctx_header_list(ctx: RouterContext, n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    if n == 0:
        return fail(NEEDS_ARGUMENTS)
    name = canonical(text(key))
    if n == 1:
        return LIST, ctx.headers.getall(name, [])
    if not isinstance(value, list):
        return fail(NOT_A_LIST)
    ctx.headers.popall(name, None)
    for item in value:
        ctx.headers.add(name, item if isinstance(item, str) else text(item))
    ctx.changed = True
    return NONE


def ctx_body(ctx: RouterContext, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
    if n == 1:
        ctx.body, ctx.changed = raw(value), True
        return NONE
    return AWAIT, b"body"


CTX_OPS: dict[bytes, Op] = {
    b"method": ctx_method,
    b"url": ctx_url,
    b"host": ctx_host,
    b"query": ctx_query,
    b"params": ctx_params,
    b"headers": ctx_headers,
    b"headerList": ctx_header_list,
    b"body": ctx_body,
}
