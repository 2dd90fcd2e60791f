"""Fixtures of the revoker's tests: a JWK file and its tokens, Redis servers, and gateway
processes stopped at the end of each test; the recording backend served in this process is
propylon's pytest plugin's (``servers``, ``backend``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from propylon.sdk.testing import GatewayProcess, RedisServer
from revoker_support import SECRET, SECRET_ENV, Tokens


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """The interface's secret, in the environment of in-process gateways."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    return SECRET


@pytest.fixture
def tokens(tmp_path: Path) -> Tokens:
    return Tokens(tmp_path)


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    if not RedisServer.available():
        pytest.skip("redis-server is not installed (scripts/services.sh installs it)")
    with RedisServer() as server:
        yield server


@pytest.fixture
def gateways(tmp_path: Path) -> Iterator[Callable[..., GatewayProcess]]:
    """Starts ``propylon run`` processes from config dicts, the interface's secret in their
    environment; all stopped after the test."""
    started: list[GatewayProcess] = []

    def start(config: dict[str, Any], workers: int = 1) -> GatewayProcess:
        gateway = GatewayProcess(config, workers, env={SECRET_ENV: SECRET}, folder=tmp_path)
        started.append(gateway)
        return gateway.start()

    yield start
    for gateway in started:
        gateway.stop()
