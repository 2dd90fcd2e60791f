"""Real brokers, one per test session: nats-server and RabbitMQ on free ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from propylon.sdk.testing import NatsServer, RabbitMQServer


@pytest.fixture(scope="session")
def nats_server() -> Iterator[NatsServer]:
    if not NatsServer.available():
        pytest.skip("nats-server is not installed")
    with NatsServer() as server:
        yield server


@pytest.fixture(scope="session")
def rabbit_server() -> Iterator[RabbitMQServer]:
    if not RabbitMQServer.available():
        pytest.skip("rabbitmq-server is not installed")
    with RabbitMQServer() as server:
        yield server
