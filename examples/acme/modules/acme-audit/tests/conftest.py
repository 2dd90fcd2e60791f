"""Real servers for the audit module's tests, on 127.0.0.1, from ``propylon.sdk.testing``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from propylon.sdk.testing import Servers


@pytest.fixture
def servers() -> Iterator[Servers]:
    """Serves the applications a test starts until it ends."""
    with Servers() as started:
        yield started
