"""rabbit:// against a real RabbitMQ: an exchange published to, a queue subscribed to."""

from __future__ import annotations

import time

import aio_pika
from propylon.sdk.testing import send
from propylon_pubsub.module import module as pubsub
from pubsub_endpoints import publisher, subscriber


def test_publish_to_an_exchange_and_receive_from_its_queue(
    rabbit_server, monkeypatch, gateway, servers
):
    monkeypatch.setenv("RABBIT_SERVER_URL", rabbit_server.url)

    async def declare() -> None:
        connection = await aio_pika.connect(rabbit_server.url)
        channel = await connection.channel()
        exchange = await channel.declare_exchange("orders", aio_pika.ExchangeType.DIRECT)
        queue = await channel.declare_queue("orders.eu")
        await queue.bind(exchange, "eu")
        await connection.close()

    servers.run(declare())
    url = gateway(
        {
            "endpoints": [
                publisher("/orders", "rabbit://", "orders?key_name=X-Order"),
                subscriber("/orders/next", "rabbit://", "orders.eu?prefetch_count=10"),
            ]
        },
        pubsub,
    )
    deadline = time.monotonic() + 10
    while send("POST", url + "/orders", headers={"X-Order": "eu"}, body=b'{"n": 1}').status != 200:
        assert time.monotonic() < deadline, "the gateway never reached RabbitMQ"
        time.sleep(0.1)
    assert send("GET", url + "/orders/next").json() == {"n": 1}
    # Unroutable (no queue bound for "us"): the publish fails, as a mandatory one.
    assert send("POST", url + "/orders", headers={"X-Order": "us"}, body=b"{}").status == 500
    assert send("POST", url + "/orders", headers={"X-Order": "eu"}, body=b'{"n": 2}').status == 200
    assert send("GET", url + "/orders/next").json() == {"n": 2}
