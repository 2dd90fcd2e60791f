"""Large bodies decoded on a thread, one at a time, with the event loop given time in between.

orjson, json and most C decoders hold the GIL for a whole call: a 50 MB document takes about
a second during which no other request of the worker moves. On a thread, the endpoint's
deadline can still answer a request whose decode is queued; one decode at a time keeps
stalls to one call; and a rest after each decode (a share of its duration) lets the loop
serve what arrived meanwhile before the next one starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# Bodies from this size on are decoded off the event loop; smaller ones inline, as before.
OFFLOAD_SIZE = 1 << 20
# After a decode of d seconds, the next one starts d * REST_SHARE later at the earliest.
REST_SHARE = 0.5


def _nothing() -> None:
    return None


class DecodeQueue:
    """One decoding thread, its callers served in arrival order."""

    def __init__(self, rest_share: float = REST_SHARE) -> None:
        self.rest_share = rest_share
        self._busy = False
        self._resume_at = 0.0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._executor: ThreadPoolExecutor | None = None

    async def run(
        self, work: Callable[[], T], handoff: Callable[[], Callable[[], None]] = lambda: _nothing
    ) -> T:
        """``work()`` on the thread once it is free. ``handoff`` is called as it starts and
        returns what to call when it ends, even if the caller has stopped waiting by then."""
        await self._turn()
        try:
            delay = self._resume_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        except BaseException:
            self._next()
            raise
        loop = asyncio.get_running_loop()
        done = handoff()
        started = time.monotonic()
        try:
            future: Future[T] = self._pool().submit(work)
        except BaseException:  # the interpreter is shutting down
            done()
            self._next()
            raise

        def finished(_future: Future[T]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing waits
                loop.call_soon_threadsafe(self._finished, started, done)

        future.add_done_callback(finished)
        return await asyncio.wrap_future(future, loop=loop)

    async def _turn(self) -> None:
        if not self._busy and not self._waiters:
            self._busy = True
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self._next()  # the turn was given, but its caller has gone
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def _finished(self, started: float, done: Callable[[], None]) -> None:
        now = time.monotonic()
        self._resume_at = now + (now - started) * self.rest_share
        done()
        self._next()

    def _next(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._busy = False

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None

    def _pool(self) -> ThreadPoolExecutor:
        # Made on first use, in the process that serves: a worker forks before it decodes.
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="propylon-decode")
        return self._executor


_QUEUES: dict[asyncio.AbstractEventLoop, DecodeQueue] = {}


def decode_queue() -> DecodeQueue:
    """The queue of the running loop (a worker has one loop; tests may run several)."""
    loop = asyncio.get_running_loop()
    queue = _QUEUES.get(loop)
    if queue is None:
        for stale in [other for other in _QUEUES if other.is_closed()]:
            _QUEUES.pop(stale).close()
        queue = _QUEUES[loop] = DecodeQueue()
    return queue
