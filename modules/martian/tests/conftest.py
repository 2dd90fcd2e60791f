"""Fixtures of the martian module's tests: recording backends served on 127.0.0.1 for the tests
of a file, and gateways built with the module in front of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from martian_support import Backend, answer
from propylon.sdk.testing import RecordingBackend, Servers


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with Servers() as started:
        yield started


@pytest.fixture(scope="module")
def backend(servers: Servers) -> Backend:
    served = RecordingBackend(respond=answer)
    return Backend(served, servers.start(served.app()))


@pytest.fixture(scope="module")
def other(servers: Servers) -> Backend:
    """A second backend, for modifiers that send the request elsewhere."""
    served = RecordingBackend(respond=answer)
    return Backend(served, servers.start(served.app()))
