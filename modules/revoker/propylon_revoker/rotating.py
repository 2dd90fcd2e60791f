"""A rotating set of three bloom filters in one buffer, as KrakenD's: revocations are kept as
long as the tokens they refuse may live, then forgotten, so the filter never fills up.

Time is cut into periods of ``TTL`` seconds since the Unix epoch, and each of the three slots
of the buffer is stamped with the period it holds. An element revoked in period ``e`` is written
to the slots of ``e`` and ``e + 1``; a check reads the slots of the current and the previous
period. A revocation is thus kept at least ``2 * TTL`` and at most ``3 * TTL`` seconds (in
KrakenD likewise, its three filters rotating every ``TTL``).

The periods come from the clock, not from a timer: every process mapping the buffer (the
workers of one gateway) and every gateway agree on them without talking to each other, and a
slot is emptied by the first write that finds it stamped with an older period. Readers take no
lock: a slot of the current or previous period is never emptied, and a write only sets bits.
Writers hold ``lock``, a lock shared by the processes mapping the buffer, since setting a bit
rewrites the whole byte.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from propylon_revoker.bloom import HashName, positions

SLOTS = 3
STAMP = struct.Struct("<q")
ZEROS = bytes(1 << 20)


def buffer_size(m: int) -> int:
    """Bytes of a buffer holding three filters of ``m`` bits, each after its stamp."""
    return SLOTS * (STAMP.size + (m + 7) // 8)


class RotatingFilter:
    def __init__(
        self,
        memory: Any,
        m: int,
        k: int,
        hash_name: HashName,
        ttl: int,
        lock: AbstractContextManager[Any],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._memory = memoryview(memory).cast("B")
        if len(self._memory) < buffer_size(m):
            raise ValueError(f"a buffer of {buffer_size(m)} bytes is needed")
        self._m = m
        self._slot_bytes = STAMP.size + (m + 7) // 8
        self._positions = positions(hash_name, m, k)
        self._ttl = ttl
        self._lock = lock
        self._clock = clock

    def period(self, at: float) -> int:
        return int(at // self._ttl)

    def contains(self, element: bytes) -> bool:
        now = self.period(self._clock())
        return any(self._holds(period, element) for period in (now, now - 1))

    def add(self, element: bytes, at: float | None = None) -> bool:
        """Revokes ``element`` as of ``at`` (now by default; a future time counts as now).
        Returns False when it was revoked so long ago that it is already forgotten."""
        now = self.period(self._clock())
        since = now if at is None else min(self.period(at), now)
        periods = [p for p in (since, since + 1) if p >= now - 1]
        if not periods:
            return False
        bits = list(self._positions(element))
        with self._lock:
            for period in periods:
                self._set(period, bits)
        return True

    def _start(self, period: int) -> int:
        return (period % SLOTS) * self._slot_bytes

    def _holds(self, period: int, element: bytes) -> bool:
        start = self._start(period)
        if STAMP.unpack_from(self._memory, start)[0] != period:
            return False  # that slot holds an older period: nothing revoked in this one
        memory = self._memory
        base = start + STAMP.size
        return all(memory[base + (b >> 3)] & (1 << (b & 7)) for b in self._positions(element))

    def _set(self, period: int, bits: list[int]) -> None:
        start = self._start(period)
        memory = self._memory
        if STAMP.unpack_from(memory, start)[0] != period:
            # Emptied before it is stamped: a reader sees the old stamp (and no element)
            # until the slot is ready.
            end = start + self._slot_bytes
            for offset in range(start + STAMP.size, end, len(ZEROS)):
                size = min(len(ZEROS), end - offset)
                memory[offset : offset + size] = ZEROS[:size]
            STAMP.pack_into(memory, start, period)
        base = start + STAMP.size
        for b in bits:
            memory[base + (b >> 3)] |= 1 << (b & 7)
