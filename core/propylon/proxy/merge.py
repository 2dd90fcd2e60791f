"""Merging middlewares: backends called in parallel or in sequence, their data combined.

Both keep what arrived in time: a backend that fails or misses the deadline makes the
response incomplete, not empty. Only when nothing arrived does the endpoint fail.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from typing import Any

import orjson

from propylon.config.core_options import PROXY
from propylon.config.model import EndpointConfig
from propylon.config.params import placeholders
from propylon.proxy.errors import MergedError, TimeoutExceeded
from propylon.proxy.types import MergeMiddleware, Proxy, Request, Response


class _Accumulator:
    def __init__(self, total: int) -> None:
        self.pending = total
        self.data: dict[str, Any] | None = None
        self.complete = True
        self.errors: list[BaseException] = []

    def add(self, response: Response | None, error: BaseException | None = None) -> None:
        self.pending -= 1
        if error is not None or response is None:
            self.errors.append(error or RuntimeError("null result"))
            return
        if response.error is not None:
            self.errors.append(response.error)
        self.complete = self.complete and response.is_complete
        if self.data is None:
            self.data = dict(response.data)
        else:
            self.data.update(response.data)

    def result(self) -> Response:
        if self.data is None:
            raise self.errors[0] if len(self.errors) == 1 else MergedError(self.errors)
        complete = self.complete and not self.pending and not self.errors
        error = None
        if self.errors:
            error = self.errors[0] if len(self.errors) == 1 else MergedError(self.errors)
        return Response(self.data, complete, error=error)


# Merges stop waiting a little before the endpoint's deadline, so what arrived is still served.
MERGE_TIMEOUT_SHARE = 0.85


def new_merge(endpoint: EndpointConfig) -> MergeMiddleware:
    """The endpoint's merge: sequential when its ``proxy`` options say so, else parallel."""
    options = PROXY.of(endpoint)
    if options is not None and options.sequential:
        return new_sequential_merge(endpoint)
    return new_parallel_merge(endpoint)


class _AllDone:
    """A future done when every call is, or when the merge's time is up: one waiter and one
    timer for the whole merge (``asyncio.wait`` makes more of both per call)."""

    __slots__ = ("future", "left")

    def __init__(self, loop: asyncio.AbstractEventLoop, calls: int) -> None:
        self.future: asyncio.Future[None] = loop.create_future()
        self.left = calls

    def one_done(self, _task: asyncio.Future[Response]) -> None:
        self.left -= 1
        if not self.left:
            self.expire()

    def expire(self) -> None:
        if not self.future.done():
            self.future.set_result(None)


def _start(loop: asyncio.AbstractEventLoop, call: Awaitable[Response]) -> asyncio.Future[Response]:
    """``call`` as a task of ``loop`` (a proxy's coroutine: ``ensure_future``'s checks cost
    a microsecond each); any other awaitable as ``ensure_future`` takes it."""
    if asyncio.iscoroutine(call):
        return loop.create_task(call)
    return asyncio.ensure_future(call)


def new_parallel_merge(endpoint: EndpointConfig) -> MergeMiddleware:
    """Every backend called at once, each with its own copy of the request."""
    timeout = endpoint.timeout * MERGE_TIMEOUT_SHARE

    def middleware(*proxies: Proxy) -> Proxy:
        async def parallel_merge(request: Request) -> Response:
            loop = asyncio.get_running_loop()
            tasks = [_start(loop, p(request.clone())) for p in proxies]
            waiter = _AllDone(loop, len(tasks))
            for task in tasks:
                task.add_done_callback(waiter.one_done)
            timer = loop.call_later(timeout, waiter.expire)
            try:
                await waiter.future
            finally:  # also when this request is cancelled: no backend call outlives it
                timer.cancel()
                for task in tasks:
                    task.cancel()
            acc = _Accumulator(len(tasks))
            for task in tasks:
                if not task.done() or task.cancelled():
                    acc.add(None, TimeoutExceeded())
                elif (exc := task.exception()) is not None:
                    acc.add(None, exc)
                else:
                    acc.add(task.result())
            return acc.result()

        return parallel_merge

    return middleware


_REPLACEMENT = re.compile(r"^[Rr]esp(\d+)(?:_([\w\-.]+))?$")


class _Replacement:
    """A value of an earlier backend's response that a later backend's request needs."""

    __slots__ = ("destination", "index", "source")

    def __init__(self, index: int, field: str) -> None:
        self.index = index
        self.source = field.split(".") if field else []
        self.destination = f"Resp{index}" + (f"_{field}" if field else "")


def _replacements(endpoint: EndpointConfig) -> list[list[_Replacement]]:
    options = PROXY.of(endpoint)
    propagated = options.sequential_propagated_params if options is not None else []
    per_backend: list[list[_Replacement]] = []
    for i, backend in enumerate(endpoint.backend):
        names = placeholders(backend.url_pattern)
        if i > 0:
            names += propagated
        found = []
        for name in names:
            match = _REPLACEMENT.match(name)
            if match and int(match.group(1)) < i:
                found.append(_Replacement(int(match.group(1)), match.group(2) or ""))
        per_backend.append(found)
    return per_backend


def param_text(value: Any) -> str:
    """A response value as a URL param, written as its JSON literal (lists comma-joined)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return ",".join(param_text(v) for v in value)
    return orjson.dumps(value).decode()


def new_sequential_merge(endpoint: EndpointConfig) -> MergeMiddleware:
    """One backend after the other, each able to use values of the responses before it."""
    timeout = endpoint.timeout * MERGE_TIMEOUT_SHARE
    replacements = _replacements(endpoint)

    def middleware(*proxies: Proxy) -> Proxy:
        async def sequential_merge(request: Request) -> Response:
            acc = _Accumulator(len(proxies))
            parts: list[Response | None] = [None] * len(proxies)
            try:
                async with asyncio.timeout(timeout):
                    for i, proxy in enumerate(proxies):
                        _fill_params(request, replacements[i], parts)
                        try:
                            response = await proxy(request.clone())
                        except (asyncio.CancelledError, TimeoutError):
                            raise
                        except Exception as exc:
                            if i == 0:
                                raise
                            acc.add(None, exc)
                            break
                        acc.add(response)
                        if not response.is_complete:
                            break
                        parts[i] = response
            except TimeoutError:
                if acc.data is None:
                    raise TimeoutExceeded() from None
                acc.errors.append(TimeoutExceeded())
            return acc.result()

        return sequential_merge

    return middleware


def _fill_params(
    request: Request, wanted: list[_Replacement], parts: list[Response | None]
) -> None:
    for replacement in wanted:
        part = parts[replacement.index]
        if part is None:
            continue
        if not replacement.source:
            if part.raw is not None:
                request.params[replacement.destination] = part.raw.decode("utf-8", "replace")
            continue
        value: Any = part.data
        for key in replacement.source:
            if not isinstance(value, dict) or key not in value:
                break
            value = value[key]
        else:
            request.params[replacement.destination] = param_text(value)
