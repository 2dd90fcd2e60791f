"""Service level: every request is checked; bots get 403 with an empty body."""

from __future__ import annotations

from typing import Any

import pytest
from propylon.sdk.testing import send

DETECTOR = {
    "deny": ["a", "b"],
    "allow": ["c", "Pingdom.com_bot_version_1.1"],
    "patterns": ["(Pingdom.com_bot_version_).*", "(facebookexternalhit)/.*"],
}


def config(backend_url: str, **options: Any) -> dict[str, Any]:
    return {
        "extra_config": {"security/bot-detector": {**DETECTOR, **options}},
        "endpoints": [
            {
                "endpoint": "/items/{id}",
                "backend": [{"host": [backend_url], "url_pattern": "/items/{id}"}],
            }
        ],
    }


@pytest.fixture
def detected(gateway, backend):
    served, backend_url = backend
    return gateway(config(backend_url)), served


@pytest.mark.parametrize(
    "agent", ["a", "b", "Pingdom.com_bot_version_1.14", "facebookexternalhit/1.2.3"]
)
def test_bots_get_an_empty_403_and_the_backend_is_not_called(detected, agent):
    url, served = detected
    reply = send("GET", url + "/items/1", {"User-Agent": agent})
    assert reply.status == 403
    assert reply.body == b""
    assert "Content-Type" not in reply.headers
    assert "X-Krakend-Completed" not in reply.headers
    assert served.hits == 0


@pytest.mark.parametrize(
    "agent",
    [
        "c",
        "Pingdom.com_bot_version_1.1",  # allowed exactly, although a pattern matches it
        "Mozilla/5.0 (X11; Linux x86_64)",
        "A",  # lists are exact and case-sensitive
        "facebookexternalhit",  # the pattern needs the slash
    ],
)
def test_others_reach_the_endpoint(detected, agent):
    url, served = detected
    reply = send("GET", url + "/items/1", {"User-Agent": agent})
    assert reply.status == 200
    assert reply.body == b'{"ok":true}'  # the backend's answer
    assert [r.path for r in served.requests] == ["/items/1"]


def test_patterns_match_anywhere_in_the_user_agent(detected):
    url, _ = detected
    reply = send("GET", url + "/items/1", {"User-Agent": "Mozilla facebookexternalhit/1.1"})
    assert reply.status == 403


def test_gateway_paths_are_checked_too(detected):
    url, _ = detected
    assert send("GET", url + "/__health", {"User-Agent": "a"}).status == 403
    assert send("GET", url + "/__health", {"User-Agent": "c"}).status == 200
    assert send("GET", url + "/missing", {"User-Agent": "b"}).status == 403


def test_empty_user_agent_passes_by_default(detected):
    url, _ = detected
    assert send("GET", url + "/items/1").status == 200


def test_empty_user_agent_is_bot(gateway, backend):
    url = gateway(config(backend[1], empty_user_agent_is_bot=True))
    assert send("GET", url + "/items/1").status == 403
    assert send("GET", url + "/items/1", {"User-Agent": ""}).status == 403
    assert send("GET", url + "/items/1", {"User-Agent": "c"}).status == 200


def test_cached_verdicts_are_the_same(gateway, backend):
    url = gateway(config(backend[1], cache_size=2))
    agents = ["a", "c", "facebookexternalhit/2", "curl/8", "a", "curl/8", "c"]
    for _ in range(2):
        statuses = [send("GET", url + "/items/1", {"User-Agent": ua}).status for ua in agents]
        assert statuses == [403, 200, 403, 200, 403, 200, 200]
