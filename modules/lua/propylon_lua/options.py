"""The three namespaces' options, and the checks that make a bad script a config error.

Read once at start-up: the ``sources`` files are read (relative to the working directory, as
KrakenD reads them), their ``md5`` checked, and every chunk compiled, so a missing file, a
wrong checksum or a syntax error stops ``check`` and ``run`` with the field and Lua's
message. KrakenD starts anyway: it logs a missing file and fails each request, and it drops
the whole namespace on a wrong checksum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from propylon.sdk import Namespace, OptionError, Scope

from propylon_lua.sources import POST, PRE, SOURCES, Joined, SourceError, md5_of, read_source, split


@dataclass(frozen=True)
class LuaOptions:
    sources: list[str] = field(default_factory=list)
    md5: dict[str, str] = field(default_factory=dict)
    pre: str = ""
    post: str = ""
    live: bool = False
    allow_open_libs: bool = False
    skip_next: bool = False
    # The sources as read at start-up (read again per request when ``live``).
    joined: Joined = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        texts = []
        for index, path in enumerate(self.sources):
            try:
                texts.append(read_source(path))
            except SourceError as exc:
                raise OptionError(f"sources[{index}]", str(exc)) from None
        contents = dict(zip(self.sources, texts, strict=True))
        for path, expected in self.md5.items():
            actual = md5_of(contents.get(path, b""))
            if actual != expected:
                raise OptionError(f"md5.{path}", f"wrong checksum: have {actual}, want {expected}")
        joined = Joined.of(self.sources, texts)
        object.__setattr__(self, "joined", joined)
        check_syntax(joined)
        for name, chunk, code in (("pre", PRE, self.pre), ("post", POST, self.post)):
            problem = syntax_error(code.encode(), chunk)
            if problem is not None:
                raise OptionError(name, f"Lua syntax error: {problem}")


def check_syntax(joined: Joined) -> None:
    problem = syntax_error(joined.text, SOURCES)
    if problem is None:
        return
    located = split(problem)
    if located is None or not joined.files:
        raise OptionError("sources", f"Lua syntax error: {problem}")
    index, path, line = joined.locate(located[1])
    raise OptionError(f"sources[{index}]", f"Lua syntax error in {path}:{line}: {located[2]}")


def syntax_error(text: bytes, chunk: str) -> str | None:
    """Lua's message for a chunk that does not compile, ``chunk:line: what``; else None."""
    out = _compiler()(text, ("=" + chunk).encode())
    fn, err = out if isinstance(out, tuple) else (out, None)
    return None if fn is not None else (err or b"").decode("utf-8", "replace")


@cache
def _compiler() -> Any:
    """``loadstring`` of a bare state kept for checking: it compiles, never runs."""
    from propylon_lua.runtime import new_lua  # LuaJIT: loaded when a script is configured

    return new_lua(memory=None).eval("loadstring")


ENDPOINT = Namespace(
    "modifier/lua-endpoint", LuaOptions, frozenset({Scope.SERVICE, Scope.ENDPOINT})
)
PROXY = Namespace("modifier/lua-proxy", LuaOptions, frozenset({Scope.ENDPOINT}))
BACKEND = Namespace("modifier/lua-backend", LuaOptions, frozenset({Scope.BACKEND}))
