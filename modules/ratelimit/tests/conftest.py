"""Fixtures of the ratelimit module's tests: in-process gateways with the module, in front of
the recording backend of propylon's pytest plugin (``servers``, ``backend``); real
``propylon run`` processes and Redis servers are started by the tests that need them
(``ratelimit_stack``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from propylon_ratelimit.module import module


@pytest.fixture
def gateway(gateway: Callable[..., str]) -> Callable[[dict[str, Any]], str]:
    """Serves a gateway with the ratelimit module from a config dict; returns its base URL."""
    return lambda config: gateway(config, module)
