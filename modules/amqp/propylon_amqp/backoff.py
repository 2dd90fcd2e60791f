"""Waits between reconnection attempts, by strategy name, as Lura's ``backoff`` package.

``fallback`` (or any unknown name) waits one second; ``linear`` waits ``i`` seconds before
attempt ``i``; ``exponential`` waits ``2**i``; the ``-jitter`` variants add +/- a third. Waits are
capped at ``MAX_WAIT`` so that retrying for ever never sleeps for ever.
"""

from __future__ import annotations

import random
from collections.abc import Callable

MAX_WAIT = 300.0
Backoff = Callable[[int], float]


def _jitter(seconds: float) -> float:
    spread = seconds / 3 + 0.001
    return max(0.001, seconds + random.uniform(-spread, spread))


def _exponential(i: int) -> float:
    return float(2 ** min(i, 9))


STRATEGIES: dict[str, Backoff] = {
    "linear": lambda i: float(i),
    "linear-jitter": lambda i: _jitter(float(i)),
    "exponential": _exponential,
    "exponential-jitter": lambda i: _jitter(_exponential(i)),
}


def backoff(name: str) -> Backoff:
    """The wait in seconds before attempt ``i`` (0 is the first)."""
    strategy = STRATEGIES.get(name.lower(), lambda _i: 1.0)
    return lambda i: min(strategy(i), MAX_WAIT)
