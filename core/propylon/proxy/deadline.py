"""The endpoint's deadline around a lone backend (merges keep their own, a share of it).

One timer per call that cancels the calling task when it fires, as ``asyncio.timeout`` does,
without its context-manager objects: this runs on every request. A cancellation from outside
(the client went away) stays a cancellation.
"""

from __future__ import annotations

import asyncio

from propylon.proxy.errors import TimeoutExceeded
from propylon.proxy.types import Middleware, Proxy, Request, Response


class _Expiry:
    __slots__ = ("fired", "task")

    def __init__(self, task: asyncio.Task[object]) -> None:
        self.task = task
        self.fired = False

    def __call__(self) -> None:
        self.fired = True
        self.task.cancel()


def new_deadline(timeout: float) -> Middleware:
    """Fails the call once ``timeout`` seconds have passed."""

    def middleware(next_proxy: Proxy) -> Proxy:
        async def deadline(request: Request) -> Response:
            task = asyncio.current_task()
            assert task is not None
            cancelling = task.cancelling()
            expiry = _Expiry(task)
            timer = asyncio.get_running_loop().call_later(timeout, expiry)
            try:
                return await next_proxy(request)
            except asyncio.CancelledError:
                if expiry.fired and task.uncancel() <= cancelling:
                    raise TimeoutExceeded() from None
                raise
            finally:
                timer.cancel()

        return deadline

    return middleware
