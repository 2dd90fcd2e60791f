"""Producer and consumer backends against a real RabbitMQ, through a real gateway."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from amqp_client import Broker, eventually
from propylon.sdk.testing import (
    RabbitMQServer,
    Servers,
    build_gateway,
    check_config,
    free_port,
    load_config,
    send,
)
from propylon_amqp.module import module


def _gateway(servers: Servers, config: dict[str, Any]) -> str:
    return servers.start(build_gateway(load_config(config, [module]), [module]))


def _producer(url: str, **options: Any) -> dict[str, Any]:
    return {
        "endpoint": "/produce/{route}/{id}",
        "method": "POST",
        "input_headers": ["Content-Type", "X-Reply", "X-Trace"],
        "backend": [
            {
                "host": [url],
                "disable_host_sanitize": True,
                "url_pattern": "/",
                "extra_config": {"backend/amqp/producer": options},
            }
        ],
    }


def test_producer_publishes_the_body_with_properties_from_params_and_headers(
    rabbit: RabbitMQServer, servers: Servers, broker: Broker
) -> None:
    broker.bind("produced", "prod-ex", "orders.*")
    producer = _producer(
        rabbit.url,
        name="produced",
        exchange="prod-ex",
        routing_key="Route",
        msg_id_key="Id",
        priority_key="Id",
        reply_to_key="X-Reply",
    )
    url = _gateway(servers, {"endpoints": [producer]})
    headers = {"Content-Type": "application/json", "X-Reply": "answers", "X-Trace": "t1"}

    def publish() -> bool:
        reply = send("POST", url + "/produce/orders.new/7", headers, b'{"n": 1}')
        return reply.status == 200

    eventually(publish)  # the first calls fail while the link connects
    message = broker.get("produced")
    assert message is not None
    assert message.body == b'{"n": 1}'
    assert message.routing_key == "orders.new"
    props = message.header.properties
    assert props.message_id == "7"
    assert props.priority == 7
    assert props.reply_to == "answers"
    assert props.content_type == "application/json"
    assert props.headers["X-Trace"] == ["t1"]
    assert props.timestamp is not None
    # Unroutable: another routing key reaches no queue bound to "orders.*".
    assert send("POST", url + "/produce/other/1", headers, b"{}").status == 200
    assert broker.get("produced") is None


def test_producer_and_consumer_endpoints_round_trip(
    rabbit: RabbitMQServer, servers: Servers, broker: Broker
) -> None:
    queue = {"name": "round-trip", "exchange": "rt-ex"}
    consumer = {
        "endpoint": "/consume",
        "timeout": "2s",
        "backend": [
            {
                "host": [rabbit.url],
                "disable_host_sanitize": True,
                "url_pattern": "/",
                "allow": ["n", "who"],
                "mapping": {"who": "name"},
                "extra_config": {
                    "backend/amqp/consumer": {**queue, "routing_key": ["rt.#"]},
                },
            }
        ],
    }
    producer = _producer(rabbit.url, **queue, routing_key="rt.fixed", static_routing_key=True)
    url = _gateway(servers, {"endpoints": [producer, consumer]})
    broker.bind("round-trip", "rt-ex", "rt.#")  # as the consumer declares it
    eventually(lambda: send("POST", url + "/produce/x/1", body=b'{"n": 0}').status == 200)
    for n in range(1, 4):
        body = json.dumps({"n": n, "who": "ann", "secret": "s"}).encode()
        assert send("POST", url + "/produce/x/1", body=body).status == 200
    eventually(lambda: broker.consumers("round-trip") == 1)  # the consumer's link is up
    got = [send("GET", url + "/consume") for _ in range(4)]
    assert [r.status for r in got] == [200] * 4
    assert [r.json() for r in got] == [{"n": 0}] + [{"n": n, "name": "ann"} for n in (1, 2, 3)]
    # Every message was acknowledged: nothing is left in the queue.
    assert broker.get("round-trip") is None


def test_bad_options_name_the_namespace_and_field(rabbit: RabbitMQServer) -> None:
    producer = _producer(rabbit.url, name="q", prefetch_count="many")
    agent = {
        "name": "a",
        "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}],
        "extra_config": {"async/amqp": {"name": "q", "exchange": "e", "host": "http://x"}},
    }
    problems = check_config({"endpoints": [producer], "async_agent": [agent]}, [module])
    text = "\n".join(str(p) for p in problems.found)
    where = "endpoints[0] (POST /produce/{route}/{id}).backend[0].extra_config"
    assert f"{where}.backend/amqp/producer.exchange: is required" in text, text
    assert f"{where}.backend/amqp/producer.prefetch_count:" in text, text
    assert "async_agent[0] (a).extra_config.async/amqp.host: must be an amqp://" in text, text


def test_a_broker_down_at_start_up_is_retried_and_http_keeps_serving(
    servers: Servers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="propylon.amqp")
    down = f"amqp://guest:hunter2@127.0.0.1:{free_port()}/"
    producer = _producer(down, name="q", exchange="e", routing_key="Route")
    url = _gateway(servers, {"endpoints": [producer]})
    started = time.monotonic()
    assert send("POST", url + "/produce/a/1", body=b"{}").status == 500
    assert time.monotonic() - started < 1
    assert send("GET", url + "/__health").status == 200
    time.sleep(1.5)  # a second attempt, after the fallback strategy's 1s
    lines = [r.getMessage() for r in caplog.records if r.name == "propylon.amqp"]
    warnings = [
        r for r in caplog.records if r.name == "propylon.amqp" and r.levelno >= logging.WARNING
    ]
    assert len(warnings) == 1, lines
    assert "unreachable" in warnings[0].getMessage()
    assert any("attempt #2" in line for line in lines), lines
    assert all("hunter2" not in line for line in lines), lines


def test_an_undecodable_message_is_refused(
    rabbit: RabbitMQServer, servers: Servers, broker: Broker
) -> None:
    def consumer(path: str, queue: str, **options: Any) -> dict[str, Any]:
        return {
            "endpoint": path,
            "timeout": "1s",
            "backend": [
                {
                    "host": [rabbit.url],
                    "disable_host_sanitize": True,
                    "url_pattern": "/",
                    "extra_config": {
                        "backend/amqp/consumer": {
                            "name": queue,
                            "exchange": "bad-ex",
                            "routing_key": [queue],
                            **options,
                        }
                    },
                }
            ],
        }

    endpoints = [consumer("/kept", "kept"), consumer("/dropped", "dropped", nack_discard=True)]
    service = load_config({"endpoints": endpoints}, [module])
    with Servers() as own:  # closed below: its consumers let go of their messages
        url = own.start(build_gateway(service, [module]))
        eventually(lambda: broker.consumers("kept") == broker.consumers("dropped") == 1)
        broker.publish("bad-ex", "kept", b"not json")
        broker.publish("bad-ex", "dropped", b"not json")
        assert send("GET", url + "/kept").status == 500
        assert send("GET", url + "/dropped").status == 500
    # Requeued, unless nack_discard dropped it.
    message = eventually(lambda: broker.get("kept"))
    assert message.body == b"not json"
    assert broker.get("dropped") is None
