"""The endpoint's deadline around a lone backend (merges keep their own, a share of it)."""

from __future__ import annotations

import asyncio

from propylon.proxy.errors import TimeoutExceeded
from propylon.proxy.types import Middleware, Proxy, Request, Response


def new_deadline(timeout: float) -> Middleware:
    """Fails the call once ``timeout`` seconds have passed."""

    def middleware(next_proxy: Proxy) -> Proxy:
        async def deadline(request: Request) -> Response:
            try:
                async with asyncio.timeout(timeout):
                    return await next_proxy(request)
            except TimeoutError:
                raise TimeoutExceeded() from None

        return deadline

    return middleware
