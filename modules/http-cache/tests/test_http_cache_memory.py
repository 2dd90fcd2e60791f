"""The memory store stays within ``max_size``: its accounting, and the memory it really holds."""

from __future__ import annotations

import asyncio
import os
import tracemalloc

from propylon.sdk.testing import send
from propylon_http_cache.options import DEFAULT_MAX_ITEMS, DEFAULT_MAX_SIZE
from propylon_http_cache.store import MemoryStore, cost

KiB = 1024


def test_many_distinct_keys_stay_under_the_bound(backend, gateway, stores) -> None:
    served, host = backend
    served.route("items", {"Cache-Control": "max-age=60"}, padding=900)
    limit = 64 * KiB
    config = {
        "endpoint": "/items",
        "input_query_strings": ["id"],
        "backend": [
            {
                "host": [host],
                "url_pattern": "/items",
                "extra_config": {"qos/http-cache": {"max_size": limit}},
            }
        ],
    }
    url = gateway({"endpoints": [config]}) + "/items"
    peak = 0
    ((_, store),) = stores
    for i in range(300):
        assert send("GET", f"{url}?id={i}").status == 200
        peak = max(peak, store.size)
    assert served.hits == 300
    assert peak <= limit
    held = dict(store._items)
    assert store.size == sum(cost(k, v) for k, v in held.items())
    assert 40 <= len(held) < 300, "evicted, and still full"
    newest = [f"?id={i}" for i in range(299, 299 - len(held), -1)]
    assert all(any(k.endswith(q) for k in held) for q in newest), "the least recent went first"
    # The newest answer is still served from the cache, the oldest was evicted.
    assert send("GET", f"{url}?id=299").json()["n"] == 300
    assert send("GET", f"{url}?id=0").json()["n"] == 301


def test_the_accounting_covers_what_python_holds() -> None:
    limit = 2 * 1024 * KiB
    store = MemoryStore(limit, 1_000_000)
    count = 20_000

    async def fill() -> None:  # keys and values made here, so tracemalloc sees them
        for i in range(count):
            await store.set(f"http://127.0.0.1:8080/items?id={i}", os.urandom(300), 60)

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        asyncio.run(fill())
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert store.size <= limit
    assert len(store) < count
    # The store holds the last entries' objects (the others were freed): within the budget.
    assert held <= limit * 1.05, f"{held} bytes held for {store.size} accounted"
    print(f"held {held} bytes for {store.size} accounted, {len(store)} entries")


def test_an_entry_larger_than_the_bound_is_not_kept() -> None:
    store = MemoryStore(10 * KiB, 10)

    async def scenario() -> None:
        await store.set("small", b"x" * KiB, 60)
        await store.set("huge", b"x" * 20 * KiB, 60)
        assert await store.get("huge") is None
        assert await store.get("small") is not None
        for i in range(20):
            await store.set(f"k{i}", b"y", 60)
        assert len(store) == 10  # max_items

    asyncio.run(scenario())


def test_every_cache_is_bounded(backend, gateway, stores) -> None:
    """KrakenD keeps an unbounded map unless both sizes are given; here 0 takes the default."""
    _, host = backend
    caches = [{}, {"max_size": 0, "max_items": 0}, {"max_size": 1000}, {"shared": True}]
    endpoints = [
        {
            "endpoint": f"/e{i}",
            "backend": [
                {"host": [host], "url_pattern": "/x", "extra_config": {"qos/http-cache": c}}
            ],
        }
        for i, c in enumerate(caches)
    ]
    gateway({"endpoints": endpoints})
    limits = [(store.max_size, store.max_items) for _, store in stores]
    assert limits == [
        (DEFAULT_MAX_SIZE, DEFAULT_MAX_ITEMS),
        (DEFAULT_MAX_SIZE, DEFAULT_MAX_ITEMS),
        (1000, DEFAULT_MAX_ITEMS),
        (DEFAULT_MAX_SIZE, DEFAULT_MAX_ITEMS),
    ]
