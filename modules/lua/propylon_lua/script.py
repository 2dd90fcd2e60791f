"""One namespace's scripts in one worker: compiled once, run in fresh globals per request.

As in KrakenD, a request runs the ``sources`` chunk, then ``pre``, then (proxy and backend
layers) ``post``, all in the same globals, which no other request sees.
"""

from __future__ import annotations

from typing import Any

from propylon_lua import http
from propylon_lua.errors import CustomError, ScriptError
from propylon_lua.options import LuaOptions
from propylon_lua.router import RouterContext
from propylon_lua.runtime import RunFailed, Runtime
from propylon_lua.sources import POST, PRE, SOURCES, Joined, SourceError, described, read_source


class Script:
    def __init__(self, options: LuaOptions, user_agent: str, timeout: float) -> None:
        self.options = options
        self.runtime = Runtime(options.allow_open_libs)
        self.user_agent = user_agent
        self.timeout = timeout
        self._joined = options.joined
        self._sources = self._compile_sources(options.joined)
        self.pre = self.runtime.compile(options.pre.encode(), PRE) if options.pre else None
        self.post = self.runtime.compile(options.post.encode(), POST) if options.post else None

    def _compile_sources(self, joined: Joined) -> Any:
        return self.runtime.compile(joined.text, SOURCES) if joined.files else None

    def start(self) -> Run:
        return Run(self)

    def sources(self) -> tuple[Any, Joined]:
        """The compiled sources; read and compiled again when changed, with ``live``."""
        if not self.options.live or not self.options.sources:
            return self._sources, self._joined
        try:
            texts = [read_source(p) for p in self.options.sources]
        except SourceError as exc:
            raise ScriptError(f"lua: unable to load required source: {exc}") from None
        joined = Joined.of(self.options.sources, texts)
        if joined.text != self._joined.text:
            try:
                compiled = self._compile_sources(joined)
            except SyntaxError as exc:
                raise ScriptError(described(str(exc), joined)) from None
            self._sources, self._joined = compiled, joined
        return self._sources, self._joined


class Run:
    """A request's globals and the chunks run in them."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.env, self.api = script.runtime.new_env()
        self.joined: Joined | None = None

    def bind(self, kind: bytes, obj: Any) -> None:
        self.api[kind](obj)

    async def begin(self) -> None:
        """The sources, then ``pre``."""
        chunk, self.joined = self.script.sources()
        if chunk is not None:
            await self.execute(chunk)
        if self.script.pre is not None:
            await self.execute(self.script.pre)

    async def finish(self) -> None:
        if self.script.post is not None:
            await self.execute(self.script.post)

    async def execute(self, chunk: Any) -> None:
        try:
            await self.script.runtime.run(self.env, chunk, self._host)
        except RunFailed as exc:
            if exc.kind == "custom":
                if exc.status == -1:
                    raise ScriptError(exc.message) from None
                raise CustomError(exc.message, exc.status, exc.content_type) from None
            raise ScriptError(described(exc.message, self.joined)) from None

    async def _host(self, op: bytes, args: tuple[Any, ...]) -> Any:
        if op == b"body" and isinstance(args[0], RouterContext):
            return await args[0].read_body()
        if op == b"http":
            _, url, method, body, headers = (*args, None)[:5]
            return await http.call(
                method.decode("utf-8", "replace"),
                url.decode("utf-8", "replace"),
                body,
                _with_agent(http.request_headers(headers), self.script.user_agent),
                self.script.timeout,
            )
        return None


def _with_agent(headers: Any, agent: str) -> Any:
    headers.add("User-Agent", agent)
    return headers
