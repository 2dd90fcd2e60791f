"""Fixtures of the ratelimit module's tests: in-process gateways (``propylon.sdk.testing``)
in front of a recording backend, all on 127.0.0.1; real ``propylon run`` processes and
Redis servers are started by the tests that need them (``ratelimit_stack``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from propylon.sdk.testing import RecordingBackend, Servers, build_gateway, load_config
from propylon_ratelimit.module import module


@pytest.fixture
def servers() -> Iterator[Servers]:
    with Servers() as started:
        yield started


@pytest.fixture
def backend(servers: Servers) -> tuple[RecordingBackend, str]:
    """The backend and its base URL."""
    served = RecordingBackend()
    return served, servers.start(served.app())


@pytest.fixture
def gateway(servers: Servers) -> Callable[[dict[str, Any]], str]:
    """Serves a gateway with the ratelimit module from a config dict; returns its base URL."""

    def start(config: dict[str, Any]) -> str:
        return servers.start(build_gateway(load_config(config, [module]), [module]))

    return start
