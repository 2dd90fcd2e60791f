"""pytest fixtures for extension tests, registered with pytest when propylon-core is installed.

``servers`` serves applications on a background loop; ``backend`` is a recording backend and
its URL; ``gateway(config, *modules)`` serves a gateway built as ``propylon run`` builds it and
returns its URL. A test folder's own fixture of the same name takes precedence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from propylon.modules.contract import Module
from propylon.sdk.testing import RecordingBackend, Servers, build_gateway, load_config


@pytest.fixture
def servers() -> Iterator[Servers]:
    with Servers() as started:
        yield started


@pytest.fixture
def backend(servers: Servers) -> tuple[RecordingBackend, str]:
    """A backend that records every request and answers ``{"ok": true}``, and its URL."""
    recording = RecordingBackend()
    return recording, servers.start(recording.app())


@pytest.fixture
def gateway(servers: Servers) -> Callable[..., str]:
    """``gateway(config, *modules) -> URL``: the configuration loaded as ``check`` loads it."""

    def start(config: dict[str, Any], *modules: Module) -> str:
        return servers.start(build_gateway(load_config(config, modules), modules))

    return start
