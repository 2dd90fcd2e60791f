"""One token per configuration, kept until 10 seconds before it expires, fetched once for
every request that waits for it."""

from __future__ import annotations

import time


def test_the_token_is_reused(env):
    url = env.gateway(env.config())
    for _ in range(3):
        assert env.get(url + "/orders").status == 200
    assert env.tokens.grants == 1
    assert env.bearers() == ["Bearer token-1"] * 3


def test_a_token_is_refreshed_10_seconds_before_it_expires(env):
    env.tokens.expires_in = 11  # usable for one second
    url = env.gateway(env.config())
    env.get(url + "/orders")
    env.get(url + "/orders")
    assert env.tokens.grants == 1
    time.sleep(1.2)
    env.get(url + "/orders")
    assert env.tokens.grants == 2
    assert env.bearers() == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]


def test_a_token_inside_the_margin_is_fetched_for_each_request(env):
    env.tokens.expires_in = "10"  # quoted, as some servers send it
    url = env.gateway(env.config())
    for _ in range(3):
        env.get(url + "/orders")
    assert env.bearers() == ["Bearer token-1", "Bearer token-2", "Bearer token-3"]


def test_a_token_without_lifetime_is_kept(env):
    env.tokens.expires_in = None
    url = env.gateway(env.config())
    for _ in range(3):
        env.get(url + "/orders")
    assert env.tokens.grants == 1


def test_concurrent_requests_share_one_grant(env):
    env.tokens.delay = 0.3  # every request arrives while the token is being fetched
    url = env.gateway(env.config())
    replies = env.parallel(url + "/orders", 20)
    assert [r.status for r in replies] == [200] * 20
    assert env.tokens.attempts == 1
    assert env.tokens.grants == 1
    assert env.bearers() == ["Bearer token-1"] * 20
