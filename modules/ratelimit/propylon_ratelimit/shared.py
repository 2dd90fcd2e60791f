"""Buckets every worker of one gateway shares: a table in shared memory made before the fork.

``propylon run -w N`` forks N workers after the module's ``prefork`` hook; an anonymous
shared mapping made there is the same memory in each of them, so a limit holds for the
gateway as a whole. Endpoint and backend buckets (``max_rate``) have a slot each, assigned
from the configuration; client buckets are found by a 64-bit hash of their key in a
set-associative table (``WAYS`` slots per set). A set is guarded by an ``fcntl`` lock on one
byte of a temporary file: the kernel releases it if a worker dies holding it, so no other
worker can wait on it forever. The critical section is a few microseconds of arithmetic.

A client's slot holds its key's hash, so two clients share a bucket only if their 64-bit
hashes collide. A new key takes a free slot of its set, or one whose bucket is full again or
idle past the TTL (as good as new), else the one closest to being so: with more busy clients
in a set than it has ways, the bucket evicted restarts full, as KrakenD's store restarts a
bucket it dropped.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import tempfile
import threading
import time
from collections.abc import Sequence
from struct import Struct

from propylon_ratelimit.bucket import Rate, full_at, take

# hash of the key (0: free), tokens, last refill, expires (ns): 32 bytes.
SLOT = Struct("<Qqqq")
WAYS = 8
SET = Struct("<" + "Qqqq" * WAYS)
# 16384 sets of 8 slots: 131072 client buckets in 4 MiB.
DEFAULT_SETS = 16384


def fingerprint(limiter: str, key: str) -> int:
    digest = hashlib.blake2b(f"{limiter}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") or 1


class SharedTable:
    """Made once in the supervising process; used by every worker it forks."""

    def __init__(self, pinned: Sequence[str], rates: Sequence[Rate], sets: int = DEFAULT_SETS):
        self.index = {name: i for i, name in enumerate(pinned)}
        self.pinned = len(pinned)
        self.sets = sets
        self.memory = mmap.mmap(-1, (self.pinned + sets * WAYS) * SLOT.size)
        self._locks = tempfile.TemporaryFile()  # noqa: SIM115 (kept open: the locks live on it)
        self._fd = self._locks.fileno()
        self._thread = threading.Lock()
        now = time.monotonic_ns()
        for i, rate in enumerate(rates):
            SLOT.pack_into(self.memory, i * SLOT.size, 1, rate.capacity, now, 0)

    def _acquire(self, byte: int) -> None:
        self._thread.acquire()
        fcntl.lockf(self._fd, fcntl.LOCK_EX, 1, byte)

    def _release(self, byte: int) -> None:
        fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, byte)
        self._thread.release()

    def has(self, name: str) -> bool:
        return name in self.index

    def allow_pinned(self, name: str, rate: Rate, now: int) -> bool:
        """A request on the endpoint's or backend's own bucket."""
        i = self.index[name]
        offset = i * SLOT.size
        self._acquire(i)
        try:
            fp, tokens, last, _ = SLOT.unpack_from(self.memory, offset)
            allowed, tokens, last = take(rate, tokens, last, now)
            SLOT.pack_into(self.memory, offset, fp, tokens, last, 0)
        finally:
            self._release(i)
        return allowed

    def allow_keyed(self, fp: int, rate: Rate, ttl: int, now: int) -> bool:
        """A request on a client's bucket (made full if the table has none for ``fp``)."""
        group = fp % self.sets
        base = (self.pinned + group * WAYS) * SLOT.size
        byte = self.pinned + group
        self._acquire(byte)
        try:
            values = SET.unpack_from(self.memory, base)
            fps = values[0::4]
            if fp in fps:
                way = fps.index(fp)
                tokens, last = values[way * 4 + 1], values[way * 4 + 2]
            else:
                # A free slot, else the one nearest to being as good as new.
                way = fps.index(0) if 0 in fps else min(range(WAYS), key=values[3::4].__getitem__)
                tokens, last = rate.capacity, now
            allowed, tokens, last = take(rate, tokens, last, now)
            expires = min(now + ttl, full_at(rate, tokens, last))
            SLOT.pack_into(self.memory, base + way * SLOT.size, fp, tokens, last, expires)
        finally:
            self._release(byte)
        return allowed


class SharedBucket:
    """An endpoint's or backend's bucket in the table."""

    def __init__(self, table: SharedTable, name: str, rate: Rate) -> None:
        self.table = table
        self.name = name
        self.rate = rate

    async def allow(self, key: str = "") -> bool:
        return self.table.allow_pinned(self.name, self.rate, time.monotonic_ns())


class SharedStore:
    """A client limiter's buckets in the table."""

    def __init__(self, table: SharedTable, name: str, rate: Rate, ttl: int) -> None:
        self.table = table
        self.name = name
        self.rate = rate
        self.ttl = ttl

    async def allow(self, key: str) -> bool:
        fp = fingerprint(self.name, key)
        return self.table.allow_keyed(fp, self.rate, self.ttl, time.monotonic_ns())
