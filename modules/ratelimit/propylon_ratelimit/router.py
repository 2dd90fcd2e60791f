"""``qos/ratelimit/router``: the endpoint's handler refuses what exceeds its limits.

As KrakenD: the client's limit is checked first (429, or 429 when the request carries no
client key at all), then the endpoint's (503), so a client over its own limit does not use up
everyone's. A refusal has an empty body. A store that cannot answer with ``redis_failure:
closed`` refuses with 503.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from propylon.sdk import Answer, EndpointConfig, Handler, ServerRequest, client_ip, find_client_ip

from propylon_ratelimit.bucket import router_rates
from propylon_ratelimit.limiter import Limiter, Unavailable
from propylon_ratelimit.options import RouterLimitOptions
from propylon_ratelimit.stores import Stores, client_name, endpoint_name

KeyOf = Callable[[ServerRequest], str]
TOO_MANY = 429
UNAVAILABLE = 503


def key_extractor(options: RouterLimitOptions) -> KeyOf:
    """What identifies a client: its IP, a header's value or a path param's."""
    name = options.key
    if options.strategy == "header":
        return lambda request: request.headers.get(name, "")
    if options.strategy == "param":
        return lambda request: request.match_info.get(name, "")
    if not options.trusted_proxies:
        return client_ip  # the router's, as its options define it
    # This namespace's own trusted proxies override the router's for this endpoint.
    trusted = options.networks
    headers = options.ip_headers
    # `key` names the header the trusted proxy sets, whatever forwarded_by_client_ip says.
    enabled = options.forwarded_by_client_ip or bool(name)
    return lambda request: find_client_ip(
        request.remote or "", request.headers, trusted, headers, enabled
    )


def limiting_endpoint(handle: Handler, limiter: Limiter) -> Handler:
    async def limited(request: ServerRequest) -> Answer:
        try:
            if not await limiter.allow(""):
                return Answer(UNAVAILABLE)
        except Unavailable:
            return Answer(UNAVAILABLE)
        return await handle(request)

    return limited


def limiting_clients(handle: Handler, limiter: Limiter, key_of: KeyOf) -> Handler:
    async def limited(request: ServerRequest) -> Answer:
        key = key_of(request)
        if not key:
            return Answer(TOO_MANY)
        try:
            if not await limiter.allow(key):
                return Answer(TOO_MANY)
        except Unavailable:
            return Answer(UNAVAILABLE)
        return await handle(request)

    return limited


def new_router_limiter(
    endpoint: EndpointConfig, options: RouterLimitOptions, stores: Stores, log: logging.Logger
) -> Callable[[Handler], Handler]:
    prefix = f"[ENDPOINT: {endpoint.endpoint}][Ratelimit]"
    rates = router_rates(options)
    if options.strategy == "ip" and options.key and not options.trusted_proxies:
        log.warning(
            "%s key %r is read only from this namespace's trusted_proxies, and none is set: "
            "the router's client IP counts",
            prefix,
            options.key,
        )

    def wrap(handle: Handler) -> Handler:
        if rates.endpoint is not None:
            log.debug(
                "%s Rate limit enabled. MaxRate: %f, Capacity: %d",
                prefix,
                1e9 / rates.endpoint.interval,
                rates.endpoint.capacity,
            )
            bucket = stores.bucket(endpoint_name(endpoint), rates.endpoint, options)
            handle = limiting_endpoint(handle, bucket)
        if rates.client is not None:
            log.debug(
                "%s Rate limit enabled. Strategy: %s (key: %s), MaxRate: %f, Capacity: %d",
                prefix,
                options.strategy,
                options.key,
                1e9 / rates.client.interval,
                rates.client.capacity,
            )
            store = stores.keyed(client_name(endpoint), rates.client, rates.ttl, options)
            handle = limiting_clients(handle, store, key_extractor(options))
        return handle

    return wrap
