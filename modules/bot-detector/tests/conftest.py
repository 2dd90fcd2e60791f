"""Gateways with the bot-detector module, built per test (``propylon.sdk.testing``) in front of
a recording backend that counts what reaches it; tests send requests with ``send``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from propylon.sdk.testing import RecordingBackend, Servers, build_gateway, load_config
from propylon_bot_detector import module as bot_detector


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
    """Serves a gateway with the module from a config dict; returns its base URL."""
    modules = (bot_detector,)
    return lambda config: servers.start(build_gateway(load_config(config, modules), modules))
