"""nats:// against a real nats-server: publishing, subscribing, and a server that is down at
start-up or restarts while the gateway serves."""

from __future__ import annotations

import json
import logging
import time

import nats
import pytest
from propylon.sdk.testing import NatsServer, send
from propylon_pubsub.module import module as pubsub
from pubsub_endpoints import publisher, subscriber


@pytest.fixture
def nats_env(nats_server, monkeypatch):
    monkeypatch.setenv("NATS_SERVER_URL", nats_server.url)
    return nats_server


def eventually(check, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.05)


def test_publisher_sends_the_body_and_natsv2_headers(nats_env, gateway, servers):
    async def listen():
        client = await nats.connect(nats_env.url)
        return client, await client.subscribe("orders.v1"), await client.subscribe("orders.v2")

    client, plain, v2 = servers.run(listen())
    url = gateway(
        {
            "endpoints": [
                publisher("/v1", "nats://", "orders.v1"),
                publisher("/v2", "nats://", "orders.v2?natsv2"),
            ]
        },
        pubsub,
    )
    connected = lambda: send("POST", url + "/v1", body=b"{}").status == 200  # noqa: E731
    assert eventually(connected)
    servers.run(plain.next_msg(timeout=2))  # the probe above
    headers = {"X-Order": "a b&c", "Content-Type": "application/json"}
    assert send("POST", url + "/v1", headers=headers, body=b'{"id": 1}').json() == {}
    assert send("POST", url + "/v2", headers=headers, body=b'{"id": 2}').json() == {}
    first = servers.run(plain.next_msg(timeout=2))
    second = servers.run(v2.next_msg(timeout=2))
    servers.run(client.close())
    assert (first.data, first.headers) == (b'{"id": 1}', None)
    assert second.data == b'{"id": 2}'
    # Header names and values query-escaped, as gocloud.dev's natspubsub writes them.
    assert second.headers["X-Order"] == "a+b%26c"
    assert "User-Agent" in second.headers


def test_subscriber_answers_with_the_next_message(nats_env, gateway, servers):
    url = gateway(
        {"endpoints": [subscriber("/next", "nats://", "events.*?queue=gateways", group="event")]},
        pubsub,
    )

    async def publish(n: int) -> None:
        client = await nats.connect(nats_env.url)
        await client.publish(f"events.{n}", json.dumps({"n": n}).encode())
        await client.flush()
        await client.close()

    # The subscription is made once the gateway reached the server.
    assert eventually(
        lambda: (servers.run(publish(0)), send("GET", url + "/next"))[1].status == 200
    )
    servers.run(publish(1))
    servers.run(publish(2))
    assert send("GET", url + "/next").json() == {"event": {"n": 1}}
    assert send("GET", url + "/next").json() == {"event": {"n": 2}}


def test_server_down_at_start_and_restarting(monkeypatch, gateway, caplog):
    down = NatsServer()  # its port is free: nothing listens yet
    monkeypatch.setenv("NATS_SERVER_URL", down.url)
    caplog.set_level(logging.WARNING, logger="propylon.pubsub")
    url = gateway(
        {
            "endpoints": [
                publisher("/pub", "nats://", "jobs"),
                subscriber("/sub", "nats://", "jobs"),
                {
                    "endpoint": "/static",
                    "backend": [{"host": ["mem://"], "url_pattern": "/"}],
                    "extra_config": {
                        "proxy": {"static": {"strategy": "always", "data": {"up": 1}}}
                    },
                },
            ]
        },
        pubsub,
    )
    # Serving HTTP meanwhile; the broker's backends fail at once.
    started = time.monotonic()
    assert send("POST", url + "/pub", body=b"{}").status == 500
    assert time.monotonic() - started < 0.5
    time.sleep(0.5)  # a few attempts
    lines = [r.getMessage() for r in caplog.records]
    assert len([m for m in lines if "unreachable" in m]) == 1, lines
    with down:
        assert eventually(lambda: send("POST", url + "/pub", body=b'{"n": 1}').status == 200)
        assert send("GET", url + "/sub").json() == {"n": 1}
        assert any("reached" in r.getMessage() for r in caplog.records)
        caplog.clear()
        down.stop()
        down.start()
        # The client reconnects and subscribes again by itself.
        assert eventually(
            lambda: (
                send("POST", url + "/pub", body=b'{"n": 2}').status == 200
                and send("GET", url + "/sub").json() == {"n": 2}
            ),
            timeout=10,
        )
        lost = [r.getMessage() for r in caplog.records if "lost" in r.getMessage()]
        assert len(lost) == 1, lost
