"""A gateway built per test (``propylon.sdk.testing``) in front of a recording backend, both
served on 127.0.0.1; tests send requests with ``send`` and see headers as the gateway wrote
them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from propylon.sdk import Module
from propylon.sdk.testing import RecordingBackend, Servers, build_gateway, load_config


@pytest.fixture
def servers() -> Iterator[Servers]:
    with Servers() as started:
        yield started


@pytest.fixture
def gateway(servers: Servers) -> Callable[..., str]:
    """Serves a gateway from a config dict and the given modules (in that registry order);
    returns its base URL."""

    def start(config: dict[str, Any], *modules: Module) -> str:
        return servers.start(build_gateway(load_config(config, modules), modules))

    return start


@pytest.fixture
def backend(servers: Servers) -> tuple[RecordingBackend, str]:
    """The backend and its base URL."""
    served = RecordingBackend()
    return served, servers.start(served.app())
