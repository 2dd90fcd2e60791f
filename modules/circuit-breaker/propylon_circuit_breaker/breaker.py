"""The breaker's state machine, step for step as sony/gobreaker (KrakenD's breaker) runs it.

- **closed**: calls pass; their outcomes are counted. A failure that makes the consecutive
  failures exceed the limit opens the circuit. With an ``interval``, the counts are cleared
  when it has passed (checked when a call arrives, not on a timer).
- **open**: calls are refused at once, without reaching the backend, until ``timeout`` passes.
- **half-open**: one call (the probe) is let through; others are refused while it runs. Its
  success closes the circuit, its failure opens it again.

Every change of state starts a new *generation* and clears the counts; an outcome that
arrives for an older generation (a call started before the change) is ignored. The event
loop runs one step at a time, so no lock is needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from propylon.sdk import ProxyError

DEFAULT_TIMEOUT = 60.0  # gobreaker's open period when none is given


class State(Enum):
    CLOSED = "closed"
    HALF_OPEN = "half-open"
    OPEN = "open"


class Outcome(Enum):
    SUCCESS = "success"
    FAILURE = "failure"
    EXCLUDED = "excluded"  # neither: a cancelled call


class OpenCircuit(ProxyError):
    def __init__(self) -> None:
        super().__init__("circuit breaker is open")


class TooManyRequests(ProxyError):
    """Refused while half-open: the probe is still running."""

    def __init__(self) -> None:
        super().__init__("too many requests")


@dataclass
class Counts:
    requests: int = 0
    successes: int = 0
    failures: int = 0
    exclusions: int = 0
    consecutive_successes: int = 0
    consecutive_failures: int = 0


StateChange = Callable[[str, State, State], None]


class Breaker:
    """``max_requests`` is how many probes half-open lets through (KrakenD leaves it at 1)."""

    def __init__(
        self,
        name: str,
        max_errors: int,
        interval: float = 0.0,
        timeout: float = 0.0,
        on_change: StateChange | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_requests: int = 1,
    ) -> None:
        self.name = name
        self.max_errors = max_errors
        self.interval = interval
        self.timeout = timeout if timeout > 0 else DEFAULT_TIMEOUT
        self.on_change = on_change
        self.clock = clock
        self.max_requests = max_requests
        self._state = State.CLOSED
        self.generation = 0
        self.counts = Counts()
        self._expiry = 0.0  # 0: none
        self._new_generation(clock())

    @property
    def state(self) -> State:
        return self._current(self.clock())

    def before(self) -> int:
        """Admits a call (returning its generation) or raises the refusal."""
        state = self._current(self.clock())
        if state is State.OPEN:
            raise OpenCircuit()
        if state is State.HALF_OPEN and self._valid_requests() >= self.max_requests:
            raise TooManyRequests()
        self.counts.requests += 1
        return self.generation

    def after(self, generation: int, outcome: Outcome) -> None:
        now = self.clock()
        state = self._current(now)
        if generation != self.generation:
            return
        counts = self.counts
        if outcome is Outcome.EXCLUDED:
            counts.exclusions += 1
        elif outcome is Outcome.SUCCESS:
            if state is State.OPEN:
                return
            counts.successes += 1
            counts.consecutive_successes += 1
            counts.consecutive_failures = 0
            if state is State.HALF_OPEN and counts.consecutive_successes >= self.max_requests:
                self._set(State.CLOSED, now)
        elif state is State.CLOSED:
            counts.failures += 1
            counts.consecutive_failures += 1
            counts.consecutive_successes = 0
            if counts.consecutive_failures > self.max_errors:
                self._set(State.OPEN, now)
        elif state is State.HALF_OPEN:
            self._set(State.OPEN, now)

    def _valid_requests(self) -> int:
        return max(0, self.counts.requests - self.counts.exclusions)

    def _current(self, now: float) -> State:
        if self._state is State.CLOSED:
            if self._expiry and self._expiry < now:
                self._new_generation(now)
        elif self._state is State.OPEN and self._expiry < now:
            self._set(State.HALF_OPEN, now)
        return self._state

    def _set(self, state: State, now: float) -> None:
        if state is self._state:
            return
        previous, self._state = self._state, state
        self._new_generation(now)
        if self.on_change is not None:
            self.on_change(self.name, previous, state)

    def _new_generation(self, now: float) -> None:
        self.generation += 1
        self.counts = Counts()
        if self._state is State.CLOSED:
            self._expiry = now + self.interval if self.interval > 0 else 0.0
        elif self._state is State.OPEN:
            self._expiry = now + self.timeout
        else:
            self._expiry = 0.0
