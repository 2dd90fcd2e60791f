"""Fixtures of the json-schema module's tests: a gateway with the module in front of a
recording backend, served on 127.0.0.1 for the tests of a file; requests go out with ``send``."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from json_schema_stack import Stack, reading_large_bodies
from propylon.sdk.testing import RecordingBackend, Reply, Servers, send


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    backend = RecordingBackend()
    with Servers() as servers:
        yield Stack(servers, backend, servers.start(reading_large_bodies(backend.app())))


@pytest.fixture
def post() -> Callable[..., Reply]:
    return lambda url, body=None, **headers: send("POST", url, headers, body)
