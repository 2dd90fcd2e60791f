"""This module's test fixtures: servers on a background loop, a real backend that records what
it receives, and a gateway configuration in front of it.

Fixtures of other test folders are not visible here: the folder has no ``__init__.py``, and
the test files are prefixed with the module's name so they never clash with other modules'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from propylon.sdk.testing import RecordingBackend, Servers

Config = Callable[[str, dict[str, Any]], dict[str, Any]]


@pytest.fixture
def servers() -> Iterator[Servers]:
    with Servers() as started:
        yield started


@pytest.fixture
def backend() -> RecordingBackend:
    return RecordingBackend(answer={"ok": True})


@pytest.fixture
def config() -> Config:
    """Two endpoints: ``/stamped`` with the given options, ``/plain`` without the namespace."""

    def gateway_config(backend_url: str, options: dict[str, Any]) -> dict[str, Any]:
        backend = [{"host": [backend_url], "url_pattern": "/data"}]
        return {
            "version": 3,
            "endpoints": [
                {
                    "endpoint": "/stamped",
                    "extra_config": {"{{ cookiecutter.namespace }}": options},
                    "backend": backend,
                },
                {"endpoint": "/plain", "backend": backend},
            ],
        }

    return gateway_config
