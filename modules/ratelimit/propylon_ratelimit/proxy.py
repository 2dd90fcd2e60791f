"""``qos/ratelimit/proxy``: a backend's calls beyond its limit fail without reaching it.

As KrakenD, the call fails with "rate limit exceded", which the endpoint maps as any failed
backend: 500 (the message as body with ``return_error_msg``), or the other backends' data
marked incomplete in a merge.
"""

from __future__ import annotations

from collections.abc import Callable

from propylon.sdk import Proxy, ProxyError, Request, Response

from propylon_ratelimit.limiter import Limiter, Unavailable


class RateLimited(ProxyError):
    def __init__(self) -> None:
        super().__init__("rate limit exceded")


class StoreUnavailable(ProxyError):
    pass


def new_proxy_limiter(limiter: Limiter) -> Callable[[Proxy], Proxy]:
    def middleware(next_proxy: Proxy) -> Proxy:
        async def limited(request: Request) -> Response:
            try:
                allowed = await limiter.allow("")
            except Unavailable:
                raise StoreUnavailable("rate limit store unavailable") from None
            if not allowed:
                raise RateLimited()
            return await next_proxy(request)

        return limited

    return middleware
