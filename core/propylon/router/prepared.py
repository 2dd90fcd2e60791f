"""A response as an ``on_response_prepare`` receiver sees it, whichever server answers.

aiohttp hands such a receiver its ``web.StreamResponse``; the lean lane hands it the
endpoint's ``Answer`` behind ``AnswerResponse``, whose headers are a multidict over the
answer's (the answer's own methods underneath, so what a receiver adds is checked as
the lane writes it). A receiver typed against ``Prepared`` runs in both.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

from aiohttp import web
from multidict import MutableMultiMapping

from propylon.router.answer import Answer, framing
from propylon.router.incoming import ServerRequest

_T = TypeVar("_T")
_MISSING: Any = object()


class Prepared(Protocol):
    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> MutableMultiMapping[str]: ...


# What a module adds to ``on_response_prepare`` and the lane may call (``lean_receiver``).
Receiver = Callable[[ServerRequest, Prepared], Awaitable[None]]


class AnswerHeaders(MutableMultiMapping[str]):
    """An ``Answer``'s headers as a case-insensitive multidict, in order."""

    __slots__ = ("_answer",)

    def __init__(self, answer: Answer) -> None:
        self._answer = answer

    def _values(self, key: str) -> list[str]:
        low = key.lower()
        return [value for name, value in self._answer.headers if name.lower() == low]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._values(key))

    def __iter__(self) -> Iterator[str]:
        return iter([name for name, _ in self._answer.headers])

    def __len__(self) -> int:
        return len(self._answer.headers)

    def __getitem__(self, key: str) -> str:
        return self.getone(key)

    def __setitem__(self, key: str, value: str) -> None:
        self._answer.set(key, value)

    def __delitem__(self, key: str) -> None:
        self.popall(key)

    @overload
    def getall(self, key: str) -> list[str]: ...
    @overload
    def getall(self, key: str, default: _T) -> list[str] | _T: ...
    def getall(self, key: str, default: Any = _MISSING) -> Any:
        return self._values(key) or _absent(key, default)

    @overload
    def getone(self, key: str) -> str: ...
    @overload
    def getone(self, key: str, default: _T) -> str | _T: ...
    def getone(self, key: str, default: Any = _MISSING) -> Any:
        found = self._values(key)
        return found[0] if found else _absent(key, default)

    def add(self, key: str, value: str) -> None:
        self._answer.add(key, value)

    def extend(self, arg: Any = (), /, **kwargs: str) -> None:
        for key, value in _pairs(arg, kwargs):
            self._answer.add(key, value)

    def merge(self, arg: Any = (), /, **kwargs: str) -> None:
        for key, value in _pairs(arg, kwargs):
            if key not in self:
                self._answer.add(key, value)

    @overload
    def popall(self, key: str) -> list[str]: ...
    @overload
    def popall(self, key: str, default: _T) -> list[str] | _T: ...
    def popall(self, key: str, default: Any = _MISSING) -> Any:
        found = self._values(key)
        if not found:
            return _absent(key, default)
        self._answer.remove(key)
        return found

    @overload
    def popone(self, key: str) -> str: ...
    @overload
    def popone(self, key: str, default: _T) -> str | _T: ...
    def popone(self, key: str, default: Any = _MISSING) -> Any:
        low = key.lower()
        headers = self._answer.headers
        for i, (name, value) in enumerate(headers):
            if name.lower() == low:
                self._answer.replace(headers[:i] + headers[i + 1 :])
                return value
        return _absent(key, default)


def _absent(key: str, default: Any) -> Any:
    """A multidict's answer for a name it lacks: ``default``, else KeyError."""
    if default is _MISSING:
        raise KeyError(key)
    return default


def _pairs(arg: Any, kwargs: Mapping[str, str]) -> Iterable[tuple[str, str]]:
    if isinstance(arg, Mapping):
        yield from arg.items()
    else:
        yield from arg
    yield from kwargs.items()


def add_framing(response: Prepared, body: bytes, date: str) -> None:
    """What aiohttp adds to a response before its receivers see it (``framing``)."""
    headers = response.headers
    present = {name.lower() for name in headers}
    for name, value in framing(response.status, present, body, date):
        headers.add(name, value)


class AnswerResponse:
    """An ``Answer`` as a ``Prepared`` response."""

    __slots__ = ("answer", "headers")

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.headers = AnswerHeaders(answer)

    @property
    def status(self) -> int:
        return self.answer.status


if TYPE_CHECKING:  # the type checker proves a receiver typed so runs under aiohttp too
    _AIOHTTP_REQUEST: type[ServerRequest] = web.Request
    _AIOHTTP_RESPONSE: type[Prepared] = web.StreamResponse
    _LANE_RESPONSE: type[Prepared] = AnswerResponse
