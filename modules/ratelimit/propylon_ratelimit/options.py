"""The options of ``qos/ratelimit/router`` (endpoint) and ``qos/ratelimit/proxy`` (backend).

KrakenD's fields, read once at start-up by the configuration layer, and this module's own:
the Redis store several gateways share, and client-IP options that, with ``trusted_proxies``
set here, override the router's for the endpoint. Rates are per ``every`` as written;
``Rate`` turns them into KrakenD's per-second token bucket.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import urlsplit

from propylon.sdk import (
    DEFAULT_IP_HEADERS,
    Duration,
    Namespace,
    OptionError,
    Range,
    Scope,
    parse_networks,
)

MAX_RATE = 1_000_000_000.0
MAX_CAPACITY = 1_000_000_000
# A year: quotas per day, week or month are common; longer windows are not rate limits.
MAX_EVERY = 366 * 24 * 3600.0
STRATEGIES = ("ip", "header", "param")
# gin's defaults when the router sets none.
REDIS_SCHEMES = ("redis", "rediss", "unix")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class StoreOptions:
    """Where buckets live. Empty ``redis_url``: in the gateway (shared by its workers)."""

    redis_url: str = ""
    # When Redis cannot answer within redis_timeout: "open" lets the request through,
    # "closed" refuses it (503 at the endpoint, a failed backend call at the backend).
    redis_failure: Literal["open", "closed"] = "open"
    redis_timeout: Annotated[Duration, Range(0.001, 5.0)] = 0.1

    def __post_init__(self) -> None:
        if self.redis_url and urlsplit(self.redis_url).scheme not in REDIS_SCHEMES:
            raise OptionError("redis_url", "must be a redis://, rediss:// or unix:// URL")


@dataclass(frozen=True)
class RouterLimitOptions(StoreOptions):
    max_rate: Annotated[float, Range(0, MAX_RATE)] = 0.0
    capacity: Annotated[int, Range(0, MAX_CAPACITY)] = 0
    client_max_rate: Annotated[float, Range(0, MAX_RATE)] = 0.0
    client_capacity: Annotated[int, Range(0, MAX_CAPACITY)] = 0
    strategy: str = ""
    key: str = ""
    # Rates are per `every`; KrakenD counts anything under a second as a second.
    every: Annotated[Duration, Range(0, MAX_EVERY)] = 1.0
    num_shards: Annotated[int, Range(0, 1 << 20)] = 2048
    cleanup_period: Annotated[Duration, Range(0, 24 * 3600.0)] = 60.0
    cleanup_threads: Annotated[int, Range(0, 1024)] = 1
    # With trusted_proxies: this endpoint's own client IP, as gin reads it; without: the
    # router's (propylon.sdk.client_ip).
    forwarded_by_client_ip: bool = True
    remote_ip_headers: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        strategy = self.strategy.strip().lower()
        object.__setattr__(self, "strategy", strategy)
        if strategy and strategy not in STRATEGIES:
            raise OptionError(
                "strategy", f"unknown strategy {self.strategy!r}: use ip, header or param"
            )
        if self.client_max_rate > 0 and not strategy:
            raise OptionError("strategy", "client_max_rate needs a strategy: ip, header or param")
        if strategy in ("header", "param") and not self.key:
            what = "header" if strategy == "header" else "path param"
            raise OptionError("key", f"strategy {strategy!r} needs the name of the {what}")
        try:
            parse_networks(self.trusted_proxies)
        except ValueError as exc:
            raise OptionError("trusted_proxies", str(exc)) from None

    @property
    def networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies)

    @property
    def ip_headers(self) -> tuple[str, ...]:
        """The headers naming the client IP: ``key`` alone when set, as KrakenD reads it."""
        if self.key:
            return (self.key,)
        return self.remote_ip_headers or DEFAULT_IP_HEADERS


@dataclass(frozen=True)
class ProxyLimitOptions(StoreOptions):
    max_rate: Annotated[float, Range(0, MAX_RATE)] = 0.0
    capacity: Annotated[int, Range(0, MAX_CAPACITY)] = 0
    every: Annotated[Duration, Range(0, MAX_EVERY)] = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.every <= 0:
            raise OptionError("every", "must be longer than 0s")


ROUTER = Namespace("qos/ratelimit/router", RouterLimitOptions, frozenset({Scope.ENDPOINT}))
PROXY = Namespace("qos/ratelimit/proxy", ProxyLimitOptions, frozenset({Scope.BACKEND}))
