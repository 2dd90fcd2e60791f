"""Chooses where each limiter keeps its buckets, and names limiters alike in every process.

Redis when the namespace names one; else the table shared by the workers of ``propylon run``
when the ``prefork`` hook made one for this service; else this process's memory (one
worker, in-process tests). Names derive from the configuration (method, endpoint, backend
index), so every worker and every gateway sharing a Redis finds the same buckets.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from propylon.sdk import BackendConfig, EndpointConfig, ServiceConfig

from propylon_ratelimit.bucket import DATA_TTL, SECOND, Rate, proxy_rate, router_rates
from propylon_ratelimit.limiter import Limiter
from propylon_ratelimit.memory import MemoryBucket, MemoryStore
from propylon_ratelimit.options import PROXY, ROUTER, RouterLimitOptions, StoreOptions
from propylon_ratelimit.shared import SharedBucket, SharedStore, SharedTable

if TYPE_CHECKING:
    from propylon_ratelimit.redis_store import RedisLink


def endpoint_name(endpoint: EndpointConfig) -> str:
    return f"router:{endpoint.method} {endpoint.endpoint}"


def client_name(endpoint: EndpointConfig) -> str:
    return f"{endpoint_name(endpoint)}:client"


def backend_name(backend: BackendConfig) -> str:
    return f"proxy:{backend.parent_method} {backend.parent_endpoint}:{backend.index}"


def bucket_ttl(rate: Rate) -> int:
    """How long an idle endpoint or backend bucket is kept in Redis: at least until it would
    be full again, so dropping it changes nothing."""
    return max(DATA_TTL, rate.capacity * rate.interval + SECOND)


@dataclass(frozen=True)
class Plan:
    """The in-gateway buckets of a service: what the shared table must hold."""

    pinned: tuple[tuple[str, Rate], ...]
    keyed: bool


def plan(service: ServiceConfig) -> Plan:
    pinned: list[tuple[str, Rate]] = []
    keyed = False
    for endpoint, options in _router_options(service):
        if options.redis_url:
            continue
        rates = router_rates(options)
        if rates.endpoint is not None:
            pinned.append((endpoint_name(endpoint), rates.endpoint))
        keyed = keyed or rates.client is not None
    for endpoint in service.endpoints:
        for backend in endpoint.backend:
            proxy = PROXY.of(backend)
            rate = proxy_rate(proxy) if proxy is not None and not proxy.redis_url else None
            if rate is not None:
                pinned.append((backend_name(backend), rate))
    return Plan(tuple(pinned), keyed)


def uses_redis(service: ServiceConfig) -> bool:
    if any(options.redis_url for _, options in _router_options(service)):
        return True
    found = (PROXY.of(b) for e in service.endpoints for b in e.backend)
    return any(options is not None and options.redis_url for options in found)


def _router_options(service: ServiceConfig) -> Iterator[tuple[EndpointConfig, RouterLimitOptions]]:
    for endpoint in service.endpoints:
        options = ROUTER.of(endpoint)
        if options is not None:
            yield endpoint, options


class Stores:
    """The limiters of one gateway build, and the Redis connections they opened."""

    def __init__(self, table: SharedTable | None, log: logging.Logger) -> None:
        self.table = table
        self.log = log
        self.links: dict[tuple[str, float], RedisLink] = {}

    def _redis(self, options: StoreOptions, name: str, rate: Rate, ttl: int) -> Limiter:
        # Here: the Redis client is loaded only by a gateway whose limits keep to Redis.
        from propylon_ratelimit.redis_store import RedisLimiter, RedisLink

        link_key = (options.redis_url, options.redis_timeout)
        link = self.links.get(link_key)
        if link is None:
            link = RedisLink(options.redis_url, options.redis_timeout, self.log)
            self.links[link_key] = link
        fail_open = options.redis_failure == "open"
        return RedisLimiter(link, name, rate, ttl, fail_open, options.redis_timeout)

    def bucket(self, name: str, rate: Rate, options: StoreOptions) -> Limiter:
        """One bucket for every request of an endpoint or backend."""
        if options.redis_url:
            return self._redis(options, name, rate, bucket_ttl(rate))
        if self.table is not None and self.table.has(name):
            return SharedBucket(self.table, name, rate)
        return MemoryBucket(rate)

    def keyed(self, name: str, rate: Rate, ttl: int, options: RouterLimitOptions) -> Limiter:
        """A bucket per client."""
        if options.redis_url:
            return self._redis(options, name, rate, ttl)
        if self.table is not None and self.table.sets > 0:
            return SharedStore(self.table, name, rate, ttl)
        return MemoryStore(rate, ttl, options.num_shards, options.cleanup_period)

    async def close(self) -> None:
        for link in self.links.values():
            await link.close()
        self.links.clear()
