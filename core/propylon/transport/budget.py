"""A worker's memory budget for large backend bodies, and the scope that holds its leases.

Whatever the number of concurrent large responses, a worker holds at most ``capacity`` bytes
of them (a body larger than the whole budget waits until it is alone). Waiters are served in
arrival order, so a large body is not starved by smaller ones; a waiter cancelled by its
endpoint's deadline leaves the queue.

A backend proxy opens a scope (``LEASES``) around its call: the leases the HTTP client takes
while reading are kept until the body is decoded, then released together, also when the
call fails or is cancelled. Without a scope a lease ends with the read.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar


class MemoryBudget:
    """Bytes handed out in arrival order; ``acquire`` waits until they are free."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.free = capacity
        self._waiters: deque[tuple[int, asyncio.Future[None]]] = deque()

    async def acquire(self, size: int) -> int:
        """Takes ``size`` bytes (at most the whole budget); returns how many were taken."""
        size = min(size, self.capacity)
        if size <= self.free and not self._waiters:
            self.free -= size
            return size
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (size, waiter)
        self._waiters.append(entry)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.release(size)  # granted, but the waiter was cancelled before it resumed
            else:
                if entry in self._waiters:
                    self._waiters.remove(entry)
                self._grant()  # the head may have left: those behind it may fit now
            raise
        return size

    def release(self, size: int) -> None:
        self.free += size
        self._grant()

    def _grant(self) -> None:
        while self._waiters:
            size, waiter = self._waiters[0]
            if waiter.done():
                self._waiters.popleft()
            elif size <= self.free:
                self._waiters.popleft()
                self.free -= size
                waiter.set_result(None)
            else:
                return


class Lease:
    """Bytes of one body taken from a budget; grows while reading, shrinks to the body read."""

    __slots__ = ("budget", "size")

    def __init__(self, budget: MemoryBudget) -> None:
        self.budget = budget
        self.size = 0

    async def take(self, size: int) -> None:
        self.size += await self.budget.acquire(size)

    def shrink(self, size: int) -> None:
        if size < self.size:
            self.budget.release(self.size - size)
            self.size = size

    def release(self) -> None:
        if self.size:
            self.budget.release(self.size)
            self.size = 0


# The leases taken inside the current backend call; a backend proxy sets a fresh list
# (``LEASES.set([])``), resets it when the call ends and then releases what it holds.
LEASES: ContextVar[list[Lease] | None] = ContextVar("propylon_leases", default=None)


def release_all(leases: list[Lease]) -> None:
    for lease in leases:
        lease.release()
    leases.clear()


def detach(leases: list[Lease]) -> Callable[[], None]:
    """Hands the leases over: the returned function releases them (when work using the body
    ends, which may be after the call itself was cancelled)."""
    taken = leases[:]
    leases.clear()
    return lambda: release_all(taken)


def new_lease(budget: MemoryBudget) -> tuple[Lease, bool]:
    """A lease on ``budget``, and whether the current call keeps it (else the caller ends it)."""
    lease = Lease(budget)
    leases = LEASES.get()
    if leases is None:
        return lease, False
    leases.append(lease)
    return lease, True
