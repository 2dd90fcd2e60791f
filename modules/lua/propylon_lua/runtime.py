"""A Lua state per script configuration and worker, and the runs of its scripts.

The interpreter is LuaJIT 2.1 (through lupa) with its compiler off: Lua 5.1, as gopher-lua
(KrakenD's interpreter) is, with what gopher-lua adds to 5.1 (``goto``, yielding across
``pcall``). The compiler is off because compiled code runs no hooks: the interpreter keeps
the run bound below. Each run is a coroutine the worker's loop drives; it suspends where a
script calls ``http_response.new`` or reads the client's body, so other requests go on.

Bounds: a run that goes on for ``RUN_LIMIT`` seconds without suspending is ended with an
error (an endless loop, a runaway pattern); a state holds at most ``MEMORY_LIMIT`` bytes.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from lupa import luajit21 as lupa
from propylon.sdk import Request, Response

from propylon_lua.convert import (
    LIST,
    LUA_NIL,
    NIL,
    SKIP,
    TABLE,
    VALUE,
    Result,
    fail,
    from_lua,
    table_from_lua,
    to_lua,
)
from propylon_lua.http import HTTP_OPS, HttpResult
from propylon_lua.ops import LIST_OPS, REQUEST_OPS, RESPONSE_OPS, TABLE_OPS, Op
from propylon_lua.router import CTX_OPS, RouterContext

RUN_LIMIT = 1.0
MEMORY_LIMIT = 64 << 20
PRELUDE = (Path(__file__).parent / "prelude.lua").read_bytes()
OPS: dict[type, dict[bytes, Op]] = {
    dict: TABLE_OPS,
    list: LIST_OPS,
    Request: REQUEST_OPS,
    Response: RESPONSE_OPS,
    RouterContext: CTX_OPS,
    HttpResult: HTTP_OPS,
}
# Await(op, arguments) -> what the suspended script gets back.
Await = Callable[[bytes, tuple[Any, ...]], Awaitable[Any]]


class RunFailed(Exception):
    """A run that raised: ``kind`` is ``custom`` (custom_error), ``error``, ``timeout``."""

    def __init__(self, kind: str, message: str, status: int = -1, content_type: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.content_type = content_type


def _deny(_obj: Any, _name: Any, _setting: bool) -> Any:
    raise AttributeError("not reachable from Lua")


def new_lua(memory: int | None = MEMORY_LIMIT) -> Any:
    """A bare state: no ``python`` bridge, no attribute of a host object reachable."""
    return lupa.LuaRuntime(
        encoding=None,
        register_eval=False,
        register_builtins=False,
        unpack_returned_tuples=True,
        attribute_filter=_deny,
        max_memory=memory,
    )


class Runtime:
    """One Lua state and its prelude; runs one chunk at a time, each bounded."""

    def __init__(self, open_libs: bool) -> None:
        self._deadline = math.inf
        self._expired = False
        self.lua = new_lua()
        host = self.lua.table_from(
            {
                b"tick": self._tick,
                b"call": self._call,
                b"NIL": NIL,
                b"new_table": dict,
                b"new_list": list,
                b"marshal": self._marshal,
                b"unmarshal": _unmarshal,
            }
        )
        api = self.lua.execute(PRELUDE, host, open_libs)
        self._new_env = api[b"new_env"]
        self._run = api[b"run"]
        self._compile = api[b"compile"]
        self._arm = api[b"arm"]
        self.unbox = api[b"unbox"]

    def compile(self, text: bytes, name: str) -> Any:
        """The chunk, compiled once; raises SyntaxError with Lua's message."""
        out = self._compile(text, ("=" + name).encode())
        fn, err = out if isinstance(out, tuple) else (out, None)
        if fn is None:
            raise SyntaxError((err or b"").decode("utf-8", "replace"))
        return fn

    def new_env(self) -> tuple[Any, Any]:
        """A request's globals, and the functions that bind its request and response."""
        return self._new_env()

    async def run(self, env: Any, chunk: Any, host: Await) -> None:
        """Runs ``chunk`` in ``env`` to its end; raises RunFailed."""
        co = self._run.coroutine(env, chunk)
        value: Any = None
        while True:
            self._deadline, self._expired = time.monotonic() + RUN_LIMIT, False
            try:
                out = co.send(value)
            except lupa.LuaMemoryError:
                raise RunFailed("error", "not enough memory") from None
            except lupa.LuaError as exc:
                if self._expired:
                    raise RunFailed(
                        "timeout", f"script ran past its {RUN_LIMIT:g}s bound"
                    ) from None
                raise RunFailed("error", _text(str(exc))) from None
            finally:
                self._settle()
            items = out if isinstance(out, tuple) else (out,)
            tag = items[0]
            if tag == b"done":
                return
            if tag == b"fail":
                _, kind, message, *rest = items
                if kind == b"custom":
                    status, ctype = [*rest, None, None][:2]
                    raise RunFailed("custom", _text(message), int(status), _text(ctype or b""))
                raise RunFailed("error", _text(message))
            value = await host(items[1], items[2:])

    def _settle(self) -> None:
        expired = self._expired
        self._deadline = math.inf
        self._expired = False
        if expired:
            self._arm()

    def _tick(self) -> bool:
        if time.monotonic() > self._deadline:
            self._expired = True
        return self._expired

    def _call(self, obj: Any, method: bytes, n: int, a: Any, b: Any) -> Result:
        ops = OPS.get(type(obj))
        op = ops.get(method) if ops is not None else None
        if op is None:
            return fail("method not available")
        return op(obj, n, a, b, self.unbox)

    def _marshal(self, value: Any) -> Result:
        try:
            if lupa.lua_type(value) == "table":
                data = table_from_lua(value, self.unbox, nested=True)
                data = {} if data is None else data
            else:
                data = from_lua(value, self.unbox)
                data = None if data is SKIP else data
            text = json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        except (ValueError, TypeError) as exc:
            return fail(str(exc))
        return VALUE, text.encode()


def _unmarshal(text: bytes) -> Result:
    try:
        data = json.loads(text)
    except ValueError as exc:
        return fail(str(exc))
    kind, value = to_lua(data)
    return (kind, value) if kind in (TABLE, LIST, LUA_NIL, VALUE) else fail("unknown type")


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
