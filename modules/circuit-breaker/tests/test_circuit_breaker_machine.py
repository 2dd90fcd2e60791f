"""The state machine alone, on a clock the test moves: the transitions that need timing or
concurrency a gateway test cannot arrange exactly."""

from __future__ import annotations

import pytest
from propylon_circuit_breaker.breaker import (
    DEFAULT_TIMEOUT,
    Breaker,
    OpenCircuit,
    Outcome,
    State,
    TooManyRequests,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock, max_errors: int = 0, **settings: float) -> Breaker:
    changes: list[tuple[State, State]] = []
    made = Breaker(
        "t", max_errors, clock=clock, on_change=lambda _n, a, b: changes.append((a, b)), **settings
    )
    made.changes = changes  # type: ignore[attr-defined]
    return made


def fail(b: Breaker) -> None:
    b.after(b.before(), Outcome.FAILURE)


def test_opens_when_consecutive_failures_exceed_max_errors() -> None:
    clock = Clock()
    b = breaker(clock, max_errors=3)
    for _ in range(3):
        fail(b)
    assert b.state is State.CLOSED
    fail(b)
    assert b.state is State.OPEN
    with pytest.raises(OpenCircuit, match="circuit breaker is open"):
        b.before()


def test_timeout_zero_is_sixty_seconds() -> None:
    clock = Clock()
    b = breaker(clock)
    fail(b)
    clock.now += DEFAULT_TIMEOUT - 0.01
    assert b.state is State.OPEN
    clock.now += 0.02
    assert b.state is State.HALF_OPEN


def test_half_open_admits_one_probe_until_it_ends() -> None:
    clock = Clock()
    b = breaker(clock, timeout=5)
    fail(b)
    clock.now += 5.01
    probe = b.before()
    with pytest.raises(TooManyRequests, match="too many requests"):
        b.before()
    b.after(probe, Outcome.SUCCESS)
    assert b.state is State.CLOSED
    assert b.changes == [  # type: ignore[attr-defined]
        (State.CLOSED, State.OPEN),
        (State.OPEN, State.HALF_OPEN),
        (State.HALF_OPEN, State.CLOSED),
    ]


def test_a_cancelled_probe_frees_its_place() -> None:
    clock = Clock()
    b = breaker(clock, timeout=5)
    fail(b)
    clock.now += 6
    b.after(b.before(), Outcome.EXCLUDED)
    assert b.state is State.HALF_OPEN
    fail(b)
    assert b.state is State.OPEN


def test_outcomes_of_an_older_generation_are_ignored() -> None:
    clock = Clock()
    b = breaker(clock, max_errors=0, interval=10)
    slow = b.before()
    clock.now += 11  # the interval passes while the call runs: new counts
    b.after(slow, Outcome.FAILURE)
    assert b.state is State.CLOSED
    assert b.counts.failures == 0


def test_interval_clears_counts_only_while_closed() -> None:
    clock = Clock()
    b = breaker(clock, max_errors=1, interval=10, timeout=30)
    fail(b)
    clock.now += 10.5
    fail(b)
    assert b.state is State.CLOSED
    fail(b)
    assert b.state is State.OPEN
    clock.now += 20  # the interval does not shorten the open period
    assert b.state is State.OPEN


def test_exclusions_are_neither_success_nor_failure() -> None:
    clock = Clock()
    b = breaker(clock, max_errors=1)
    fail(b)
    b.after(b.before(), Outcome.EXCLUDED)
    fail(b)
    assert b.state is State.OPEN
