"""One real RabbitMQ for the whole session (it takes seconds to boot), and a client to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from amqp_client import Broker
from propylon.sdk.testing import RabbitMQServer, Servers


@pytest.fixture(scope="session")
def rabbit() -> Iterator[RabbitMQServer]:
    if not RabbitMQServer.available():
        pytest.skip("rabbitmq-server is not installed")
    with RabbitMQServer() as server:
        yield server


@pytest.fixture
def broker(rabbit: RabbitMQServer, servers: Servers) -> Iterator[Broker]:
    """A plain AMQP client on the servers' loop: what the tests publish and read directly."""
    client = Broker(rabbit.url, servers)
    yield client
    client.close()
