"""How ``async_agent`` and the AMQP namespaces are read: Lura's defaults, KrakenD's fields."""

from __future__ import annotations

import asyncio
import time

from propylon.sdk.testing import check_config, load_config
from propylon_amqp.module import module
from propylon_amqp.options import AGENT
from propylon_amqp.rate import RateLimit


def _agent(**fields: object) -> dict[str, object]:
    return {
        "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/in", "method": "POST"}],
        "extra_config": {"async/amqp": {"name": "q", "exchange": "e", "host": "amqp://h/"}},
        **fields,
    }


def test_agents_get_luras_defaults() -> None:
    service = load_config(
        {
            "timeout": "3s",
            "endpoints": [],
            "async_agent": [
                _agent(),
                _agent(
                    name="named",
                    consumer={"workers": 0, "timeout": "500ms", "topic": "a.*", "max_rate": 2.5},
                    connection={"health_interval": "100ms", "max_retries": 4},
                ),
            ],
        },
        [module],
    )
    first, second = service.async_agents
    assert first.name == "AsyncAgent-00"
    assert (first.consumer.workers, first.consumer.timeout) == (1, 3.0)
    assert first.connection.health_interval == 1.0
    assert first.connection.backoff_strategy == "fallback"
    assert first.backend[0].timeout == 3.0
    options = AGENT.of(first)
    assert options is not None and options.host == "amqp://h/"
    assert second.name == "named"
    assert (second.consumer.workers, second.consumer.timeout) == (1, 0.5)
    assert (second.consumer.topic, second.consumer.max_rate) == ("a.*", 2.5)
    assert (second.connection.health_interval, second.connection.max_retries) == (1.0, 4)
    assert second.endpoint.endpoint == "named"


def test_agent_mistakes_are_named() -> None:
    problems = check_config(
        {
            "endpoints": [],
            "async_agent": [
                _agent(name="a", backend=[]),
                _agent(name="a", connection={"backoff_strategy": "slow"}, extra={}),
            ],
        },
        [module],
    )
    text = "\n".join(str(p) for p in problems.found)
    assert "async_agent[0] (a).backend: an agent needs at least one backend" in text, text
    assert "async_agent[1].name: 'a' is already the name of another agent" in text, text
    assert "async_agent[1] (a).connection.backoff_strategy: unknown strategy" in text, text
    assert "async_agent[1] (a).extra: unknown field ignored" in text, text


def test_agent_namespace_is_read_only_in_agents() -> None:
    endpoint = {
        "endpoint": "/x",
        "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}],
        "extra_config": {"async/amqp": {"name": "q", "exchange": "e", "host": "amqp://h/"}},
    }
    problems = check_config({"endpoints": [endpoint]}, [module])
    assert any(
        "extra_config.async/amqp: read only at the agent level" in str(p) for p in problems.found
    )


def test_max_rate_spaces_messages_after_a_burst() -> None:
    async def run() -> tuple[float, float]:
        limit = RateLimit(20)
        started = time.monotonic()
        for _ in range(20):
            await limit.wait()
        burst = time.monotonic() - started
        for _ in range(5):
            await limit.wait()
        return burst, time.monotonic() - started

    burst, total = asyncio.run(run())
    assert burst < 0.1
    assert 0.2 <= total < 0.6
