"""Where a validator finds the key a token names: a local file, or a downloaded set.

A downloaded set is used for ``cache_duration`` when ``cache`` is on; without it every token
asks for the freshest set (which ``JWKSource`` downloads at most once a second). An id the set
lacks makes the validator ask again, so a rotated key is learnt; with
``failed_jwk_key_cooldown`` an id that was missing is refused without asking for that long.
With the service's ``shared_cache_duration``, an endpoint with ``cache`` also takes keys that
another endpoint downloaded from the same URL less than that long ago.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Protocol

from joserfc.jwk import Key

from propylon_jwt.fetch import JWKSource
from propylon_jwt.keys import Strategy, index_keys

# Missing ids remembered for the cool-down, at most.
MAX_MISSES = 10_000


class KeyNotFound(Exception):
    """No key for the token's id; the message says why (for operation_debug)."""


class KeyProvider(Protocol):
    async def key(self, key_id: str) -> Key: ...


class LocalKeys:
    """``jwk_local_path``: read once, at start-up."""

    def __init__(self, keys: Iterable[Key], strategy: Strategy) -> None:
        self._index = index_keys(keys, strategy)

    async def key(self, key_id: str) -> Key:
        key = self._index.get(key_id)
        if key is None:
            raise KeyNotFound(f"key {key_id!r} not found in the local key set")
        return key


class RemoteKeys:
    def __init__(
        self,
        source: JWKSource,
        strategy: Strategy,
        ttl: float,
        shared_ttl: float = 0.0,
        cooldown: float = 0.0,
    ) -> None:
        self._source = source
        self._strategy = strategy
        self._ttl = ttl
        self._shared_ttl = shared_ttl if ttl > 0 else 0.0
        self._cooldown = cooldown if cooldown >= 1.0 else 0.0
        self._index: dict[str, Key] = {}
        self._indexed_at = float("-inf")
        self._misses: dict[str, float] = {}

    async def key(self, key_id: str) -> Key:
        now = time.monotonic()
        if now - self._indexed_at < self._ttl and key_id in self._index:
            return self._index[key_id]
        source = self._source
        if self._shared_ttl and now - source.fetched_at < self._shared_ttl:
            self._adopt(source.keys, source.fetched_at)
            if key_id in self._index:
                return self._index[key_id]
        if self._cooldown and self._missed_recently(key_id, now):
            raise KeyNotFound(f"key {key_id!r} was missing less than the cool-down ago")
        try:
            keys, fetched_at = await source.refresh()
        except Exception:
            self._miss(key_id)
            raise
        self._adopt(keys, fetched_at)
        key = self._index.get(key_id)
        if key is None:
            self._miss(key_id)
            raise KeyNotFound(f"key {key_id!r} not found in the key set")
        return key

    def _adopt(self, keys: list[Key], fetched_at: float) -> None:
        if fetched_at != self._indexed_at:
            self._index = index_keys(keys, self._strategy)
            self._indexed_at = fetched_at

    def _miss(self, key_id: str) -> None:
        if self._cooldown:
            self._misses.pop(key_id, None)
            if len(self._misses) >= MAX_MISSES:  # made-up ids must not grow memory
                del self._misses[next(iter(self._misses))]
            self._misses[key_id] = time.monotonic()

    def _missed_recently(self, key_id: str, now: float) -> bool:
        expired = [k for k, at in self._misses.items() if now - at >= self._cooldown]
        for k in expired:
            del self._misses[k]
        return key_id in self._misses
