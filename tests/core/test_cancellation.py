"""A request given up (client gone, outer deadline) stops every backend call it started."""

from __future__ import annotations

import asyncio

from propylon.config.model import BackendConfig, EndpointConfig
from propylon.proxy.merge import new_parallel_merge
from propylon.proxy.types import Request, Response


def test_cancelled_parallel_merge_cancels_its_backend_calls() -> None:
    started: list[asyncio.Event] = []
    cancelled: list[bool] = []

    async def hanging(_request: Request) -> Response:
        event = asyncio.Event()
        started.append(event)
        event.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return Response({})

    backends = [BackendConfig("/a", ["http://h"]), BackendConfig("/b", ["http://h"])]
    merge = new_parallel_merge(EndpointConfig("/x", backends, timeout=30.0))(hanging, hanging)

    async def scenario() -> list[bool]:
        task = asyncio.ensure_future(merge(Request("GET", "/x", {}, {}, {})))
        while len(started) < 2:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0.01)
        return list(cancelled)  # before asyncio.run cancels whatever is left

    assert asyncio.run(scenario()) == [True, True]
