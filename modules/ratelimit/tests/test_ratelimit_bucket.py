"""The token bucket and its stores, at chosen instants (nanoseconds), and the shared table
used by real forked processes at once."""

from __future__ import annotations

import os
import time

from propylon_ratelimit.bucket import (
    DATA_TTL,
    SECOND,
    Rate,
    proxy_rate,
    router_rates,
    take,
)
from propylon_ratelimit.memory import MemoryBucket, MemoryStore
from propylon_ratelimit.options import ProxyLimitOptions, RouterLimitOptions
from propylon_ratelimit.shared import SharedTable, fingerprint


def run(rate: Rate, times: list[float], tokens: int | None = None, last: int = 0) -> list[bool]:
    """Requests at ``times`` (seconds) on a bucket made full at 0."""
    state = (rate.capacity if tokens is None else tokens, last)
    allowed: list[bool] = []
    for t in times:
        ok, *state = take(rate, state[0], state[1], int(t * SECOND))
        allowed.append(ok)
    return allowed


def test_a_full_bucket_lets_capacity_through_then_one_per_interval() -> None:
    rate = Rate.of(2.0, 3)  # a token every 0.5 s
    assert run(rate, [0, 0, 0, 0, 0.4]) == [True, True, True, False, False]
    # Time spent full counts once the bucket is empty (KrakenD refills only then).
    assert run(rate, [0, 0, 0, 0.5, 0.6, 1.0]) == [True, True, True, True, False, True]


def test_a_refill_that_overflows_fills_the_bucket_and_lets_the_request_through() -> None:
    rate = Rate.of(1.0, 2)
    # Empty at 0; at 10 s ten tokens would come: the bucket is full (2) and the request passes.
    assert run(rate, [10, 10, 10, 10], tokens=0) == [True, True, True, False]


def test_rates_are_clamped_as_krakend_clamps_them() -> None:
    assert Rate.of(0.0, 0) == Rate(int(SECOND / 1e-9), 1)
    assert Rate.of(1e12, 5).interval == 1


def test_router_rates_follow_every_and_default_capacities() -> None:
    rates = router_rates(RouterLimitOptions(max_rate=10, every=2.0))
    assert rates.endpoint == Rate(SECOND // 5, 5)  # capacity: the rate per second
    assert rates.client is None and rates.ttl == DATA_TTL
    # Under a second counts as a second.
    assert router_rates(RouterLimitOptions(max_rate=10, every=0.1)).endpoint == Rate(
        SECOND // 10, 10
    )
    slow = router_rates(
        RouterLimitOptions(client_max_rate=60, strategy="ip", every=3600.0, client_capacity=7)
    )
    assert slow.client == Rate(60 * SECOND, 7) and slow.endpoint is None
    # Longer windows keep idle clients about `every`, with up to a quarter more.
    assert 3600 * SECOND <= slow.ttl <= 4500 * SECOND
    # A client rate under one per second gets a bucket of one.
    assert router_rates(RouterLimitOptions(client_max_rate=0.5, strategy="ip")).client == Rate(
        2 * SECOND, 1
    )


def test_proxy_rate() -> None:
    assert proxy_rate(ProxyLimitOptions(max_rate=0)) is None
    assert proxy_rate(ProxyLimitOptions(max_rate=30, every=60.0)) == Rate(2 * SECOND, 1)
    assert proxy_rate(ProxyLimitOptions(max_rate=4, capacity=9)) == Rate(SECOND // 4, 9)


def test_memory_bucket_and_store_count_per_key() -> None:
    now = [0]
    bucket = MemoryBucket(Rate.of(1.0, 2), clock=lambda: now[0])
    assert [bucket.allow_at(0) for _ in range(3)] == [True, True, False]
    store = MemoryStore(Rate.of(1.0, 2), ttl=DATA_TTL, shards=4, clock=lambda: now[0])
    assert [store.allow_at("a", 0) for _ in range(3)] == [True, True, False]
    assert [store.allow_at("b", 0) for _ in range(3)] == [True, True, False]
    assert len(store) == 2


def test_memory_store_drops_idle_buckets_shard_by_shard() -> None:
    rate = Rate.of(1.0, 1)
    store = MemoryStore(rate, ttl=10 * SECOND, shards=64, cleanup_period=5.0, clock=lambda: 0)
    for i in range(200):
        store.allow_at(f"client-{i}", 0)
    store.allow_at("late", 4 * SECOND)  # the first round is due at 5 s
    assert len(store) == 201
    now = 11 * SECOND  # every client but "late" idle for more than 10 s
    store.allow_at("late", now)  # the round starts: the first few shards only
    assert 1 < len(store) < 201
    for _ in range(15):  # a round spans 16 requests
        store.allow_at("late", now)
    assert len(store) == 1
    # A dropped client starts again with a full bucket.
    assert store.allow_at("client-0", now) is True


def test_shared_table_keys_and_pinned_buckets() -> None:
    rate = Rate.of(1.0, 2)
    table = SharedTable(["router:GET /a"], [rate], sets=4)
    assert [table.allow_pinned("router:GET /a", rate, 0) for _ in range(3)] == [True, True, False]
    a, b = fingerprint("l", "a"), fingerprint("l", "b")
    assert [table.allow_keyed(a, rate, DATA_TTL, 0) for _ in range(3)] == [True, True, False]
    assert [table.allow_keyed(b, rate, DATA_TTL, 0) for _ in range(3)] == [True, True, False]
    assert fingerprint("l", "a") != fingerprint("m", "a")


def test_shared_table_evicts_the_bucket_nearest_to_full_when_a_set_is_busy() -> None:
    rate = Rate.of(0.1, 1)  # a token every 10 s
    table = SharedTable([], [], sets=1)  # one set of 8 ways
    for i in range(8):  # eight clients empty their buckets at i seconds
        assert table.allow_keyed(i + 1, rate, DATA_TTL, i * SECOND)
    # A ninth takes the slot of the first, the one full again soonest (10 s).
    assert table.allow_keyed(100, rate, DATA_TTL, 8 * SECOND)
    assert not table.allow_keyed(8, rate, DATA_TTL, 8 * SECOND)  # still limited
    assert table.allow_keyed(1, rate, DATA_TTL, 8 * SECOND)  # restarts full


def test_forked_processes_share_one_limit() -> None:
    """Two real processes take from one table at once: exactly `capacity` pass in all."""
    rate = Rate.of(1e-3, 150)  # no refill during the test
    table = SharedTable(["endpoint"], [rate], sets=16)
    key = fingerprint("client", "203.0.113.9")
    read, write = os.pipe()
    children = []
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            count = 0
            for _ in range(400):
                now = time.monotonic_ns()
                count += table.allow_pinned("endpoint", rate, now)
                count += table.allow_keyed(key, rate, DATA_TTL, now)
            os.write(write, f"{count}\n".encode())
            os._exit(0)
        children.append(pid)
    os.close(write)
    for pid in children:
        os.waitpid(pid, 0)
    with os.fdopen(read) as results:
        counts = [int(line) for line in results]
    assert len(counts) == 2
    assert sum(counts) == 2 * 150  # 150 on the endpoint's bucket, 150 on the client's
