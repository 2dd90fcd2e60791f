"""Without a token the backend is not called, the failure is logged without the secret, and
nothing waits for a silent token server longer than the endpoint allows."""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest
from propylon_client_credentials.grant import Grant, GrantError
from propylon_client_credentials.source import TokenSource


@pytest.fixture
def errors(caplog):
    caplog.set_level(logging.ERROR, logger="propylon")
    return caplog


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def logged(caplog) -> str:
    return "\n".join(r.getMessage() for r in caplog.records)


def test_token_server_down(env, errors):
    token_url = f"http://127.0.0.1:{closed_port()}/token"
    url = env.gateway(env.config(env.credentials(token_url=token_url)))
    reply = env.get(url + "/orders")
    assert reply.status == 500
    assert env.backend.hits == 0
    text = logged(errors)
    assert f'[ENDPOINT: /orders] Get "{env.backend_url}/orders": Post "{token_url}"' in text
    assert env.client_secret not in text


def test_refused_credentials(env, errors):
    url = env.gateway(env.config(env.credentials(client_secret="wrong")))
    reply = env.get(url + "/orders")
    assert reply.status == 500
    assert env.backend.hits == 0
    assert [g.style for g in env.tokens.seen] == ["header", "params"]
    text = logged(errors)
    assert 'oauth2: "invalid_client" "Bad client credentials"' in text
    assert "wrong" not in text


def test_a_failed_grant_is_not_kept(env):
    env.tokens.answer = (503, "text/plain", "busy")
    url = env.gateway(env.config())
    assert env.get(url + "/orders").status == 500
    env.tokens.answer = None
    assert env.get(url + "/orders").status == 200
    assert env.bearers() == ["Bearer token-1"]


@pytest.mark.parametrize(
    ("answer", "cause"),
    [
        ((200, "application/json", '{"token_type": "bearer"}'), "missing access_token"),
        ((200, "application/json", '{"error": "invalid_scope"}'), 'oauth2: "invalid_scope"'),
        ((200, "application/json", "not json"), "cannot parse json"),
        ((500, "text/html", "<h1>down</h1>"), "cannot fetch token: 500 Internal Server Error"),
    ],
)
def test_answers_without_a_token(env, errors, answer, cause):
    env.tokens.answer = answer
    url = env.gateway(env.config())
    assert env.get(url + "/orders").status == 500
    assert env.backend.hits == 0
    assert cause in logged(errors)


@pytest.mark.parametrize("echoed", ["secret", "assertion"])
def test_a_secret_echoed_by_the_server_is_redacted(env, errors, echoed):
    assertion = "eyJhbGciOiJub25lIn0.assertion"
    hidden = env.client_secret if echoed == "secret" else assertion
    document = {"error": "invalid_request", "error_description": f"bad: {hidden}"}
    env.tokens.answer = (400, "application/json", json.dumps(document))
    credentials = env.credentials(endpoint_params={"client_assertion": [assertion]})
    config = env.config(credentials)
    config["extra_config"] = {"router": {"return_error_msg": True}}
    url = env.gateway(config)
    reply = env.get(url + "/orders")
    assert reply.status == 500
    assert hidden not in reply.text
    assert 'oauth2: "invalid_request" "bad: [redacted]"' in reply.text
    assert hidden not in logged(errors)
    assert "[redacted]" in logged(errors)


def test_a_slow_token_server_holds_no_request_past_its_timeout(env):
    env.tokens.delay = 0.8
    url = env.gateway(env.config(timeout="300ms"))
    started = time.monotonic()
    reply = env.get(url + "/orders")
    assert reply.status == 500
    assert time.monotonic() - started < 0.8
    assert env.backend.hits == 0
    # The fetch went on without the request that gave up: the next one gets its token.
    deadline = time.monotonic() + 5
    while env.tokens.grants == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert env.get(url + "/orders").status == 200
    assert env.bearers() == ["Bearer token-1"]
    assert env.tokens.attempts == 1


def test_a_fetch_is_abandoned_after_its_timeout(env):
    env.tokens.delay = 5.0
    grant = Grant(env.tokens.url, env.client_id, env.client_secret, "", {})
    source = TokenSource(grant, timeout=0.3)

    async def fetch() -> str:
        try:
            await source.token()
        except GrantError as exc:
            return str(exc)
        return "no error"

    started = time.monotonic()
    message = env.servers.run(fetch())
    assert time.monotonic() - started < 2.0
    assert message == f'Post "{env.tokens.url}": no answer within 0.3s'
    assert env.tokens.attempts == 1
