"""The filter: its size from N and P, its false positives, its rotation, and its memory shared
by forked processes."""

from __future__ import annotations

import math
import mmap
import multiprocessing
import threading

import pytest
from propylon_revoker.bloom import bits_for, hashes_for, positions
from propylon_revoker.rotating import RotatingFilter, buffer_size

TTL = 60


class Clock:
    def __init__(self, now: float = 1_000_000 * TTL) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def new_filter(
    n: int = 1000, p: float = 0.01, hash_name: str = "optimal", clock: Clock | None = None
) -> RotatingFilter:
    m = bits_for(n, p)
    memory = mmap.mmap(-1, buffer_size(m))
    return RotatingFilter(
        memory, m, hashes_for(m, n), hash_name, TTL, threading.Lock(), clock or Clock()
    )


def test_sizes_follow_n_and_p_as_krakend_computes_them() -> None:
    # KrakenD: m = ceil(-n ln p / ln(2^ln 2)), k = ceil(ln 2 * m / n).
    for n, p in ((10_000_000, 1e-7), (1000, 0.01), (1, 0.5)):
        m = math.ceil(-(n * math.log(p)) / math.log(2 ** math.log(2)))
        assert bits_for(n, p) == max(8, m)
        assert hashes_for(bits_for(n, p), n) == math.ceil(math.log(2) * bits_for(n, p) / n)
    assert bits_for(10_000_000, 1e-7) // 8 < 45 * 2**20  # about 40 MiB for ten million
    assert hashes_for(bits_for(10_000_000, 1e-7), 10_000_000) == 24


@pytest.mark.parametrize("hash_name", ["optimal", "default"])
def test_no_false_negatives_and_false_positives_near_p(hash_name: str) -> None:
    n, p = 2000, 0.01
    revoked = new_filter(n, p, hash_name)
    for i in range(n):
        assert revoked.add(f"jti-in-{i}".encode())
    assert all(revoked.contains(f"jti-in-{i}".encode()) for i in range(n))
    trials = 20_000
    false = sum(revoked.contains(f"jti-out-{i}".encode()) for i in range(trials))
    assert false / trials < 2 * p, false


def test_positions_are_spread_over_the_whole_filter() -> None:
    m, k = 1 << 16, 7
    for hash_name in ("optimal", "default"):
        where = positions(hash_name, m, k)
        bits = [b for i in range(2000) for b in where(f"sub-{i}".encode())]
        assert all(0 <= b < m for b in bits)
        quarters = [sum(1 for b in bits if q * m // 4 <= b < (q + 1) * m // 4) for q in range(4)]
        assert min(quarters) > 0.2 * len(bits), quarters


def test_a_revocation_lasts_two_to_three_ttls_then_is_forgotten() -> None:
    clock = Clock()
    revoked = new_filter(clock=clock)
    start = clock.now
    revoked.add(b"jti-a")
    for elapsed in (0, TTL, 2 * TTL - 1):
        clock.now = start + elapsed
        assert revoked.contains(b"jti-a"), elapsed
    clock.now = start + 3 * TTL
    assert not revoked.contains(b"jti-a")
    # A revocation of long ago (loaded from a store) is not written back.
    assert not revoked.add(b"jti-old", at=start)
    assert not revoked.contains(b"jti-old")
    # Slots reused by later periods start empty.
    revoked.add(b"jti-b")
    assert revoked.contains(b"jti-b") and not revoked.contains(b"jti-a")


def test_an_old_revocation_keeps_its_own_lifetime() -> None:
    clock = Clock()
    revoked = new_filter(clock=clock)
    at = clock.now
    clock.now += TTL  # loaded one period later
    assert revoked.add(b"sub-x", at=at)
    clock.now = at + 2 * TTL
    assert revoked.contains(b"sub-x")
    clock.now = at + 3 * TTL
    assert not revoked.contains(b"sub-x")


def _revoke_in_child(memory: mmap.mmap, lock: object, m: int, k: int, names: list[str]) -> None:
    child = RotatingFilter(memory, m, k, "optimal", TTL, lock)  # type: ignore[arg-type]
    for name in names:
        child.add(name.encode())


def test_processes_mapping_one_buffer_see_each_others_revocations() -> None:
    context = multiprocessing.get_context("fork")
    n, p = 5000, 1e-4
    m, k = bits_for(n, p), hashes_for(bits_for(n, p), n)
    memory = mmap.mmap(-1, buffer_size(m), flags=mmap.MAP_SHARED)
    lock = context.Lock()
    names = [[f"jti-{w}-{i}" for i in range(500)] for w in range(2)]
    # Two writers at once: the lock keeps a bit set by one from being lost by the other.
    workers = [
        context.Process(target=_revoke_in_child, args=(memory, lock, m, k, names[w]))
        for w in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
        assert worker.exitcode == 0
    parent = RotatingFilter(memory, m, k, "optimal", TTL, lock)
    assert all(parent.contains(name.encode()) for group in names for name in group)
    assert not parent.contains(b"jti-never")
