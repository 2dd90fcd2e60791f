"""Fixtures of the revoker's tests: a recording backend served in this process, a JWK file and
its tokens, Redis servers, and gateway processes stopped at the end of each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from propylon.sdk.testing import RecordingBackend, RedisServer, Servers
from revoker_support import SECRET, SECRET_ENV, GatewayProcess, Tokens


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """The interface's secret, in the environment of in-process gateways."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    return SECRET


@pytest.fixture
def servers() -> Iterator[Servers]:
    with Servers() as started:
        yield started


@pytest.fixture
def backend(servers: Servers) -> tuple[RecordingBackend, str]:
    served = RecordingBackend()
    return served, servers.start(served.app())


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
    """Starts ``propylon run`` processes from config dicts; all stopped after the test."""
    started: list[GatewayProcess] = []

    def start(config: dict[str, Any], workers: int = 1) -> GatewayProcess:
        gateway = GatewayProcess(tmp_path, config, workers)
        started.append(gateway)
        return gateway.start()

    yield start
    for gateway in started:
        gateway.stop()
