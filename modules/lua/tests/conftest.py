"""Fixtures of the lua module's tests: a gateway with the module in front of a recording
backend, served on 127.0.0.1 for the tests of a file; requests go out with ``send``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lua_stack import Stack, describing
from propylon.sdk.testing import RecordingBackend, Servers


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with Servers() as servers:
        backend = RecordingBackend()
        app = backend.app()
        app.middlewares.append(describing)
        yield Stack(servers, backend, servers.start(app))
