"""The methods of krakend-lua's objects, on the gateway's values.

Each takes the number of arguments the script passed (nil ones count, as ``c.Top()`` counts
them) and the first two, and returns ``(kind, value)`` for the prelude to hand back.
The argument-count rules and error texts are krakend-lua's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from propylon.sdk import Request, Response

from propylon_lua.convert import (
    LIST,
    NONE,
    SKIP,
    TABLE,
    VALUE,
    Result,
    Unbox,
    fail,
    from_lua,
    number,
    raw,
    text,
    to_lua,
    truthy,
)

Op = Callable[[Any, int, Any, Any, Unbox], Result]
NEEDS_ARGUMENTS = "need arguments"
NOT_A_LIST = "invalid header value, must be a luaList"


def canonical(name: str) -> str:
    """Go's ``CanonicalMIMEHeaderKey``; a name with a space or odd byte is kept as written."""
    if not name or any(c in name for c in " \t\r\n:") or not name.isascii():
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def go_query(query: dict[str, list[str]]) -> str:
    """``url.Values.Encode``: keys sorted, values in order, spaces as ``+``."""
    return urlencode([(k, v) for k in sorted(query) for v in query[k]])


def parse_query(value: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, item in parse_qsl(value, keep_blank_values=True):
        out.setdefault(key, []).append(item)
    return out


def stored(value: Any, unbox: Unbox) -> Any:
    """A script's value as ``set`` stores it; a native table is an object at the top."""
    return from_lua(value, unbox)


# luaTable: the gateway's dict, shared.


def table_get(data: dict[str, Any], n: int, key: Any, _: Any, unbox: Unbox) -> Result:
    if n != 1:
        return fail(NEEDS_ARGUMENTS)
    name = text(key)
    return to_lua(data[name]) if name in data else NONE


def table_set(data: dict[str, Any], n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    if n != 2:
        return fail(NEEDS_ARGUMENTS)
    try:
        converted = stored(value, unbox)
    except ValueError as exc:
        return fail(str(exc))
    if converted is not SKIP:
        data[text(key)] = converted
    return NONE


def table_len(data: dict[str, Any], n: int, _a: Any, _b: Any, unbox: Unbox) -> Result:
    return VALUE, len(data)


def table_del(data: dict[str, Any], n: int, key: Any, _: Any, unbox: Unbox) -> Result:
    if n != 1:
        return fail(NEEDS_ARGUMENTS)
    data.pop(text(key), None)
    return NONE


def table_keys(data: dict[str, Any], n: int, _a: Any, _b: Any, unbox: Unbox) -> Result:
    return LIST, sorted(data)


def table_key_exists(data: dict[str, Any], n: int, key: Any, _: Any, unbox: Unbox) -> Result:
    if n != 1:
        return fail(NEEDS_ARGUMENTS)
    return VALUE, text(key) in data


# luaList: the gateway's list, shared; indexes from 0, as in Go.


def list_get(items: list[Any], n: int, index: Any, _: Any, unbox: Unbox) -> Result:
    if n != 1:
        return fail(NEEDS_ARGUMENTS)
    i = int(number(index))
    return to_lua(items[i]) if 0 <= i < len(items) else NONE


def list_set(items: list[Any], n: int, index: Any, value: Any, unbox: Unbox) -> Result:
    if n != 2:
        return fail(NEEDS_ARGUMENTS)
    i = int(number(index))
    if i < 0:
        return NONE
    try:
        converted = stored(value, unbox)
    except ValueError as exc:
        return fail(str(exc))
    if i >= len(items):
        items.extend([None] * (i + 1 - len(items)))
    if converted is not SKIP:
        items[i] = converted
    return NONE


def list_len(items: list[Any], n: int, _a: Any, _b: Any, unbox: Unbox) -> Result:
    return VALUE, len(items)


def list_del(items: list[Any], n: int, index: Any, _: Any, unbox: Unbox) -> Result:
    if n != 1:
        return fail(NEEDS_ARGUMENTS)
    i = int(number(index))
    if 0 <= i < len(items):
        del items[i]
    return NONE


# Headers, shared by request, response and the router's context.


def header_table(headers: dict[str, list[str]]) -> Result:
    return TABLE, {k: list(v) for k, v in headers.items()}


def header_list_op(headers: dict[str, list[str]], n: int, key: Any, value: Any) -> Result:
    if n == 0:
        return fail(NEEDS_ARGUMENTS)
    name = canonical(text(key))
    if n == 1:
        return LIST, list(headers.get(name, []))
    if not isinstance(value, list):
        return fail(NOT_A_LIST)
    headers[name] = [text(v) if not isinstance(v, str) else v for v in value]
    return NONE


def headers_op(
    headers: dict[str, list[str]], n: int, key: Any, value: Any, canonical_get: bool
) -> Result:
    if n == 0:
        return header_table(headers)
    if n == 1:
        name = canonical(text(key)) if canonical_get else text(key)
        found = headers.get(name)
        return VALUE, (found[0] if found else "").encode()
    name = canonical(text(key))
    if n == 2:
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = [text(value)]
    return NONE


# request: the proxy layer's Request.


def _attribute(name: str) -> Op:
    def op(req: Any, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
        if n == 0:
            return VALUE, (getattr(req, name) or "").encode()
        setattr(req, name, text(value))
        return NONE

    return op


def request_query(req: Request, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
    if n == 0:
        return VALUE, go_query(req.query).encode()
    req.query = parse_query(text(value))
    return NONE


def request_params(req: Request, n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    if n == 0:
        return TABLE, dict(req.params)
    if n == 1:
        return VALUE, req.params.get(text(key), "").encode()
    if n == 2:
        req.params[text(key)] = text(value)
    return NONE


def request_headers(req: Request, n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    return headers_op(req.headers, n, key, value, canonical_get=True)


def request_header_list(req: Request, n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    return header_list_op(req.headers, n, key, value)


def request_body(req: Request, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
    if n == 1:
        req.body = raw(value)
        return NONE
    return VALUE, req.body or b""


# response: the proxy layer's Response.


def response_is_complete(resp: Response, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
    if n == 0:
        return VALUE, bool(resp.is_complete)
    resp.is_complete = truthy(value)
    return NONE


def response_status(resp: Response, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
    if n == 0:
        return VALUE, resp.metadata.status_code
    resp.metadata.status_code = int(number(value))
    return NONE


def response_data(resp: Response, n: int, _a: Any, _b: Any, unbox: Unbox) -> Result:
    return TABLE, resp.data


def response_headers(resp: Response, n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    return headers_op(resp.metadata.headers, n, key, value, canonical_get=False)


def response_header_list(resp: Response, n: int, key: Any, value: Any, unbox: Unbox) -> Result:
    return header_list_op(resp.metadata.headers, n, key, value)


def response_body(resp: Response, n: int, value: Any, _: Any, unbox: Unbox) -> Result:
    if n == 1:
        resp.raw = raw(value)
        return NONE
    return VALUE, resp.raw or b""


TABLE_OPS: dict[bytes, Op] = {
    b"get": table_get,
    b"set": table_set,
    b"len": table_len,
    b"del": table_del,
    b"keys": table_keys,
    b"keyExists": table_key_exists,
}
LIST_OPS: dict[bytes, Op] = {
    b"get": list_get,
    b"set": list_set,
    b"len": list_len,
    b"del": list_del,
}
REQUEST_OPS: dict[bytes, Op] = {
    b"method": _attribute("method"),
    b"path": _attribute("path"),
    b"url": _attribute("url"),
    b"query": request_query,
    b"params": request_params,
    b"headers": request_headers,
    b"headerList": request_header_list,
    b"body": request_body,
}
RESPONSE_OPS: dict[bytes, Op] = {
    b"isComplete": response_is_complete,
    b"statusCode": response_status,
    b"data": response_data,
    b"headers": response_headers,
    b"headerList": response_header_list,
    b"body": response_body,
}
