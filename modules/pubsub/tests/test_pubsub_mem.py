"""mem:// topics: what one endpoint publishes, another endpoint's subscription answers with."""

from __future__ import annotations

import json

from propylon.sdk.testing import send
from propylon_pubsub.module import module as pubsub
from pubsub_endpoints import publisher, subscriber


def test_published_body_is_received_decoded_and_shaped(gateway):
    url = gateway(
        {
            "endpoints": [
                publisher("/orders", "mem://", "orders"),
                subscriber("/orders/next", "mem://", "orders", mapping={"id": "order"}),
                subscriber("/orders/raw", "mem://", "orders", encoding="string"),
            ]
        },
        pubsub,
    )
    for n in (1, 2):
        reply = send("POST", url + "/orders", body=json.dumps({"id": n, "item": "tea"}))
        assert reply.status == 200
        assert reply.json() == {}
    # Each subscription has every message, in order; each request takes the next one.
    assert send("GET", url + "/orders/next").json() == {"order": 1, "item": "tea"}
    assert send("GET", url + "/orders/next").json() == {"order": 2, "item": "tea"}
    assert send("GET", url + "/orders/raw").json() == {"content": '{"id": 1, "item": "tea"}'}


def test_a_subscriber_without_messages_fails_at_the_endpoint_timeout(gateway):
    url = gateway({"endpoints": [subscriber("/empty", "mem://", "nothing")]}, pubsub)
    reply = send("GET", url + "/empty")
    assert reply.status == 500
    assert reply.headers["X-Propylon-Completed"] == "false"


def test_a_sanitized_host_is_read_as_written(gateway):
    """Without disable_host_sanitize, "mem://" still names the driver."""
    pub = publisher("/p", "mem://", "t")
    pub["backend"][0].pop("disable_host_sanitize")
    url = gateway({"endpoints": [pub, subscriber("/s", "mem://", "t")]}, pubsub)
    assert send("POST", url + "/p", body='{"a": 1}').status == 200
    assert send("GET", url + "/s").json() == {"a": 1}
