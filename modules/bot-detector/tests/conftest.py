"""Gateways with the bot-detector module, built per test in front of the recording backend of
propylon's pytest plugin (``servers``, ``backend``); tests send requests with ``send``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from propylon_bot_detector import module as bot_detector


@pytest.fixture
def gateway(gateway: Callable[..., str]) -> Callable[[dict[str, Any]], str]:
    """Serves a gateway with the module from a config dict; returns its base URL."""
    return lambda config: gateway(config, bot_detector)
