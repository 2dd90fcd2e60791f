"""One worker's collector: its registry, the periodic work, and the /__stats server.

Every ``collection_time`` the router's connection counters are folded into their gauges and
totals, and histograms start a new window, as krakend-metrics does. The stats server listens
on ``listen_address`` in every worker (sharing the port when the workers share figures).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from typing import Any

from aiohttp import web
from propylon.sdk import get_logger

from propylon_metrics.options import MetricsOptions
from propylon_metrics.registry import Registry, expvar, merge
from propylon_metrics.shared import FIGURES

log = get_logger("metrics")
STATS_PATH = "/__stats"


class Collector:
    def __init__(self, options: MetricsOptions) -> None:
        self.options = options
        self.registry = Registry()
        r = self.registry
        self.connected = r.counter("router.connected")
        self.disconnected = r.counter("router.disconnected")
        self.connected_total = r.counter("router.connected-total")
        self.disconnected_total = r.counter("router.disconnected-total")
        r.gauges["krakend.router.connected-gauge"] = 0
        r.gauges["krakend.router.disconnected-gauge"] = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._runner: web.AppRunner | None = None
        self._next_collection = time.monotonic() + options.collection_time

    def aggregate(self) -> None:
        r = self.registry
        r.gauges["krakend.router.connected-gauge"] = self.connected.count
        r.gauges["krakend.router.disconnected-gauge"] = self.disconnected.count
        self.connected_total.count += self.connected.count
        self.disconnected_total.count += self.disconnected.count
        self.connected.count = 0
        self.disconnected.count = 0
        for histogram in r.histograms.values():
            histogram.clear()

    def stats(self) -> dict[str, Any]:
        figures = expvar(merge([self.registry.dump(), *FIGURES.others()]))
        return {"cmdline": sys.argv, **dict(sorted(figures.items()))}

    async def _periodic(self) -> None:
        period = min(FIGURES.flush_seconds, self.options.collection_time)
        while True:
            await asyncio.sleep(period)
            if time.monotonic() >= self._next_collection:
                self._next_collection += self.options.collection_time
                self.aggregate()
            if FIGURES.folder is not None:
                await asyncio.to_thread(FIGURES.write, self.registry.dump())

    async def start(self, _app: web.Application) -> None:
        self._tasks.append(asyncio.create_task(self._periodic()))
        if self.options.endpoint_disabled:
            return
        app = web.Application()
        app.router.add_get(STATS_PATH, self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(
            runner,
            self.options.host or None,
            self.options.port,
            reuse_port=FIGURES.folder is not None,
        )
        try:
            await site.start()
        except OSError as exc:
            log.error("[SERVICE: Stats] cannot listen on %s: %s", self.options.listen_address, exc)
            await runner.cleanup()
            return
        self._runner = runner
        log.debug(
            "[SERVICE: Stats] The endpoint %s is now available on %s",
            STATS_PATH,
            self.options.listen_address,
        )

    async def stop(self, _app: web.Application) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if FIGURES.folder is not None:
            with contextlib.suppress(OSError):
                FIGURES.write(self.registry.dump())
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, _request: web.Request) -> web.Response:
        return web.json_response(self.stats())
