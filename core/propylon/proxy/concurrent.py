"""``concurrent_calls``: the same request sent N times, the first complete answer wins."""

from __future__ import annotations

import asyncio

from propylon.proxy.errors import TimeoutExceeded
from propylon.proxy.types import Middleware, Proxy, Request, Response

CONCURRENT_TIMEOUT_SHARE = 0.75


def new_concurrent(calls: int, timeout: float) -> Middleware:
    """``calls`` copies of each request, given up at a share of the endpoint's ``timeout``."""
    deadline = timeout * CONCURRENT_TIMEOUT_SHARE

    def middleware(next_proxy: Proxy) -> Proxy:
        async def concurrent(request: Request) -> Response:
            tasks = {asyncio.ensure_future(next_proxy(request.clone())) for _ in range(calls)}
            last: Response | None = None
            error: BaseException | None = None
            try:
                async with asyncio.timeout(deadline):
                    for finished in asyncio.as_completed(tasks):
                        try:
                            response = await finished
                        except Exception as exc:
                            error = exc
                            continue
                        if response.is_complete:
                            return response
                        last = response
            except TimeoutError:
                error = error or TimeoutExceeded()
            finally:
                for task in tasks:
                    task.cancel()
            if last is not None:
                return last
            raise error or TimeoutExceeded()

        return concurrent

    return middleware
