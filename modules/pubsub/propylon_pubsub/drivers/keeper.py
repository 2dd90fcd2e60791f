"""Connecting to a broker without holding up the gateway: the first connection is made in the
background, retried with a growing delay, and each outage is logged once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

FIRST_DELAY = 0.1
MAX_DELAY = 5.0


class Keeper:
    """Runs ``connect`` until it succeeds; ``connected`` is set from then on."""

    def __init__(
        self, name: str, connect: Callable[[], Awaitable[None]], log: logging.Logger
    ) -> None:
        self.name = name
        self._connect = connect
        self._log = log
        self.connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self, *, after_loss: bool = False) -> None:
        """``after_loss``: the loss was logged already; only the recovery is."""
        self.connected.clear()
        self._task = asyncio.get_running_loop().create_task(self._run(after_loss))

    async def _run(self, failed: bool) -> None:
        delay = FIRST_DELAY
        while True:
            try:
                await self._connect()
            except Exception as exc:  # any failure to connect is retried
                if not failed:
                    self._log.warning(
                        "%s unreachable (%s): retrying, every %.1f s at most",
                        self.name,
                        _reason(exc),
                        MAX_DELAY,
                    )
                    failed = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)
                continue
            if failed:
                self._log.warning("%s reached", self.name)
            self.connected.set()
            return

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
