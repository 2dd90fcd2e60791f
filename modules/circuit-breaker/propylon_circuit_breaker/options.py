"""The ``qos/circuit-breaker`` options: KrakenD's fields, whole seconds as it reads them.

KrakenD reads ``interval`` and ``timeout`` as integers of seconds (not Go durations), and
builds no breaker at all when every field is left at its zero value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from propylon.sdk import Namespace, Range, Scope

WEEK = 7 * 24 * 3600
MAX_ERRORS = 2**32 - 1  # gobreaker counts in 32 bits


@dataclass(frozen=True)
class CircuitBreakerOptions:
    # Seconds between resets of the counts while closed; 0 never resets them.
    interval: Annotated[int, Range(0, WEEK)] = 0
    # Seconds the circuit stays open before one probe is let through; 0 is gobreaker's 60.
    timeout: Annotated[int, Range(0, WEEK)] = 0
    # Consecutive failures tolerated: the next one opens the circuit.
    max_errors: Annotated[int, Range(0, MAX_ERRORS)] = 0
    name: str = ""
    log_status_change: bool = False

    @property
    def is_zero(self) -> bool:
        """KrakenD's "not configured": no breaker is built."""
        return self == CircuitBreakerOptions()


CIRCUIT_BREAKER = Namespace(
    "qos/circuit-breaker", CircuitBreakerOptions, frozenset({Scope.BACKEND})
)
