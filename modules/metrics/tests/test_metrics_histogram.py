"""A histogram keeps go-metrics' uniform reservoir: exact count, min, max and sums, and a
sample of at most 1028 values drawn evenly from all it has seen."""

from __future__ import annotations

import random

from propylon_metrics.registry import SAMPLE_SIZE, Histogram


def test_the_first_values_are_all_kept() -> None:
    histogram = Histogram()
    for value in (5, 3, 9):
        histogram.update(value)
    assert histogram.sample == [5, 3, 9]
    assert (histogram.count, histogram.min, histogram.max) == (3, 3, 9)
    assert (histogram.sum, histogram.sumsq) == (17, 25 + 9 + 81)


def test_beyond_the_sample_size_the_reservoir_is_uniform() -> None:
    random.seed(7)
    histogram = Histogram()
    seen = 100_000
    for value in range(seen):
        histogram.update(value)
    assert histogram.count == seen and len(histogram.sample) == SAMPLE_SIZE
    assert (histogram.min, histogram.max) == (0, seen - 1)
    # Drawn evenly: about as many from each half (a reservoir that stopped replacing would
    # hold the first 1028 values only).
    late = sum(value >= seen // 2 for value in histogram.sample)
    assert abs(late - SAMPLE_SIZE / 2) < 100  # about 6 standard deviations
