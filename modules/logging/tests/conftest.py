"""Each test leaves the gateway's logger as it found it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from propylon_logging.setup import ROOT, remove


@pytest.fixture(autouse=True)
def restore_logger() -> Iterator[None]:
    logger = logging.getLogger(ROOT)
    level, propagate = logger.level, logger.propagate
    yield
    remove(logger)
    logger.setLevel(level)
    logger.propagate = propagate
