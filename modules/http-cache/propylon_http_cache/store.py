"""Where entries live: a bounded LRU map in the worker's memory, or Redis for several gateways
(``redis_store``, imported only when a backend caches in Redis).

A store never fails a request: a Redis error or timeout reads as a miss (the backend is
called), and writes are dropped. Both stores refuse an entry larger than their ``max_size``.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

# What Python spends per entry beyond its key and value bytes (dict slot, order links,
# object headers): measured at about 150 bytes, counted generously.
ENTRY_OVERHEAD = 200


class Store(Protocol):
    max_size: int

    async def get(self, key: str) -> bytes | None: ...
    async def set(self, key: str, value: bytes, ttl: float) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def close(self) -> None: ...


def cost(key: str, value: bytes) -> int:
    """The memory an entry is accounted for."""
    return len(key.encode()) + len(value) + ENTRY_OVERHEAD


class MemoryStore:
    """At most ``max_size`` accounted bytes and ``max_items`` entries; the least recently
    used go first. ``ttl`` is not needed: expired entries are revalidated or replaced."""

    def __init__(self, max_size: int, max_items: int) -> None:
        self.max_size = max_size
        self.max_items = max_items
        self.size = 0
        self._items: OrderedDict[str, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: str) -> bool:
        return key in self._items

    async def get(self, key: str) -> bytes | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        self._drop(key)
        size = cost(key, value)
        if size > self.max_size:
            return
        self._items[key] = value
        self.size += size
        while self.size > self.max_size or len(self._items) > self.max_items:
            self._drop(next(iter(self._items)))

    async def delete(self, key: str) -> None:
        self._drop(key)

    async def close(self) -> None:
        self._items.clear()
        self.size = 0

    def _drop(self, key: str) -> None:
        value = self._items.pop(key, None)
        if value is not None:
            self.size -= cost(key, value)
