"""The stores of one gateway: which backend caches where.

As in KrakenD, a backend has a cache of its own unless it says ``shared``; the shared cache
serves every shared backend, so two endpoints calling the same URL share its responses. In
memory the shared cache takes the largest ``max_size`` and ``max_items`` of the backends that
share it. With ``redis``, entries go to Redis instead: every gateway using the same Redis
and the same configuration shares them (a backend's own entries are keyed by its endpoint
and position, so they stay its own).
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import TYPE_CHECKING

from propylon.sdk import BackendConfig, ServiceConfig

from propylon_http_cache.options import HTTP_CACHE, HttpCacheOptions, RedisOptions
from propylon_http_cache.store import MemoryStore, Store

if TYPE_CHECKING:
    from propylon_http_cache.redis_store import RedisConnection

SHARED_SCOPE = "shared"


class Stores:
    def __init__(self, service: ServiceConfig, log: logging.Logger) -> None:
        self.log = log
        shared = [o for o in _all_options(service) if o.shared and o.redis is None]
        self._shared_limits = (
            max((o.size for o in shared), default=0),
            max((o.items for o in shared), default=0),
        )
        self._shared: MemoryStore | None = None
        self._connections: dict[tuple[str, float], RedisConnection] = {}

    def for_backend(self, backend: BackendConfig, options: HttpCacheOptions) -> Store:
        if options.redis is not None:
            from propylon_http_cache.redis_store import RedisStore

            scope = SHARED_SCOPE if options.shared else _backend_scope(backend)
            return RedisStore(
                self._connection(options.redis), options.redis.key_prefix, scope, options.size
            )
        if not options.shared:
            return MemoryStore(options.size, options.items)
        if self._shared is None:
            self._shared = MemoryStore(*self._shared_limits)
        return self._shared

    def _connection(self, options: RedisOptions) -> RedisConnection:
        key = (options.url, options.timeout)
        if key not in self._connections:
            from propylon_http_cache.redis_store import RedisConnection

            self._connections[key] = RedisConnection(options.url, options.timeout, self.log)
        return self._connections[key]

    async def close(self) -> None:
        for connection in self._connections.values():
            await connection.close()


def prefork(service: ServiceConfig, _workers: int) -> None:
    """With a cache in Redis, its client is imported before the workers fork: one copy
    shared by all of them instead of one per worker."""
    if any(options.redis is not None for options in _all_options(service)):
        import_module("propylon_http_cache.redis_store")


def _backend_scope(backend: BackendConfig) -> str:
    """Names the backend alike in every gateway that runs the same configuration."""
    return f"{backend.parent_method} {backend.parent_endpoint} #{backend.index}"


def _all_options(service: ServiceConfig) -> list[HttpCacheOptions]:
    found = (HTTP_CACHE.of(b) for e in service.endpoints for b in e.backend)
    return [options for options in found if options is not None]
