"""Endpoints with a publisher or a subscriber backend, for the tests."""

from __future__ import annotations


def publisher(path: str, host: str, topic: str, **backend: object) -> dict:
    return {
        "endpoint": path,
        "method": "POST",
        "input_headers": ["X-Order"],
        "backend": [
            {
                "host": [host],
                "url_pattern": "/ignored",
                "disable_host_sanitize": True,
                "extra_config": {"backend/pubsub/publisher": {"topic_url": topic}},
                **backend,
            }
        ],
    }


def subscriber(path: str, host: str, subscription: str, **backend: object) -> dict:
    return {
        "endpoint": path,
        "timeout": "1s",
        "backend": [
            {
                "host": [host],
                "url_pattern": "/ignored",
                "disable_host_sanitize": True,
                "extra_config": {"backend/pubsub/subscriber": {"subscription_url": subscription}},
                **backend,
            }
        ],
    }
