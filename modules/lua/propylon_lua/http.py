"""``http_response.new``: a call a script makes, awaited on the worker's loop.

KrakenD makes it with Go's default client (following redirects, its User-Agent added) and
hands the script the response; here the script's coroutine is suspended meanwhile, so the
worker keeps serving. The call is bounded by the layer's timeout and the body by ``MAX_BODY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from lupa import luajit21 as lupa
from multidict import CIMultiDict, CIMultiDictProxy

from propylon_lua.convert import LIST, NONE, VALUE, Result, Unbox, fail, text
from propylon_lua.ops import NEEDS_ARGUMENTS, Op

MAX_BODY = 64 << 20


@dataclass
class HttpResult:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes


def request_headers(table: Any) -> CIMultiDict[str]:
    """A script's header table: each value a string or a table of strings."""
    headers: CIMultiDict[str] = CIMultiDict()
    if lupa.lua_type(table) != "table":
        return headers
    for key, value in table.items():
        if isinstance(value, bytes):
            headers.add(text(key), text(value))
        elif lupa.lua_type(value) == "table":
            for item in value.values():
                headers.add(text(key), text(item))
    return headers


async def call(
    method: str, url: str, body: bytes, headers: CIMultiDict[str], timeout: float
) -> HttpResult | bytes:
    """The response, or the error text the script gets raised."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session,
            session.request(method, url, data=body or None, headers=headers) as resp,
        ):
            content = await resp.content.read(MAX_BODY + 1)
            if len(content) > MAX_BODY:
                return f'{method.title()} "{url}": response body over {MAX_BODY} bytes'.encode()
            return HttpResult(resp.status, resp.headers, content)
    except (aiohttp.ClientError, ValueError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        return f'{method.title()} "{url}": {reason}'.encode()


def status_code(res: HttpResult, n: int, _a: Any, _b: Any, unbox: Unbox) -> Result:
    return VALUE, res.status


def header(res: HttpResult, n: int, key: Any, _: Any, unbox: Unbox) -> Result:
    if n != 1:
        return fail(NEEDS_ARGUMENTS)
    return VALUE, res.headers.get(text(key), "").encode()


def header_list(res: HttpResult, n: int, key: Any, _: Any, unbox: Unbox) -> Result:
    if n != 1:
        return fail(NEEDS_ARGUMENTS)
    return LIST, res.headers.getall(text(key), [])


def body(res: HttpResult, n: int, _a: Any, _b: Any, unbox: Unbox) -> Result:
    return VALUE, res.body


def close(res: HttpResult, n: int, _a: Any, _b: Any, unbox: Unbox) -> Result:
    return NONE


HTTP_OPS: dict[bytes, Op] = {
    b"statusCode": status_code,
    b"headers": header,
    b"headerList": header_list,
    b"body": body,
    b"close": close,
}
