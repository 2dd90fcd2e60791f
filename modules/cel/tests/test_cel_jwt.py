"""``JWT`` expressions on the claims of a token the jwt module validated: a real gateway with
both modules, tokens signed here with joserfc, a backend that records its hits."""

from __future__ import annotations

import time

import pytest
from cel_stack import Stack
from propylon.sdk.testing import send


@pytest.fixture(scope="module")
def url(stack: Stack) -> str:
    checks = [
        {"check_expr": "size(JWT.roles) > 1"},
        {"check_expr": "JWT.exp > 0 && timestamp(now) < timestamp('2999-01-01T00:00:00Z')"},
        {"check_expr": "req_headers['X-Tenant'][0] == 'acme'"},
    ]
    return stack.gateway(
        [
            {
                "endpoint": "/claims/{id}",
                "input_headers": ["X-Tenant"],
                "backend": [{"url_pattern": "/claims/{id}/{JWT.sub}"}],
                "extra_config": {
                    "validation/cel": checks,
                    "auth/validator": stack.validator(roles=["a", "b", "c"]),
                },
            },
            {
                "endpoint": "/cookie",
                "extra_config": {
                    "validation/cel": [{"check_expr": "JWT.tier == 'gold'"}],
                    "auth/validator": stack.validator(cookie_key="session"),
                },
            },
            {
                "endpoint": "/unvalidated",
                "extra_config": {"validation/cel": [{"check_expr": "JWT.tier == 'gold'"}]},
            },
        ],
        with_jwt=True,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Tenant": "acme"}


def test_claims_that_hold_reach_the_backend(url: str, stack: Stack) -> None:
    token = stack.token(sub="ann", roles=["a", "b"], exp=int(time.time()) + 60)
    reply = send("GET", url + "/claims/1", bearer(token))
    assert reply.status == 200, reply.text
    assert stack.hits("/claims/1/ann") == 1


def test_claims_that_do_not_hold_get_401_before_any_backend(url: str, stack: Stack) -> None:
    token = stack.token(sub="bob", roles=["a"], exp=int(time.time()) + 60)
    reply = send("GET", url + "/claims/2", bearer(token))
    assert (reply.status, reply.body) == (401, b"")
    assert stack.hits("/claims/2/bob") == 0


def test_a_claim_missing_from_the_token_fails_the_expression(url: str, stack: Stack) -> None:
    token = stack.token(sub="cid", roles=["a", "b"])  # no exp
    assert send("GET", url + "/claims/3", bearer(token)).status == 401
    assert stack.hits("/claims/3/cid") == 0


def test_request_expressions_of_the_same_endpoint_still_apply(url: str, stack: Stack) -> None:
    token = stack.token(sub="dan", roles=["a", "b"], exp=int(time.time()) + 60)
    reply = send(
        "GET", url + "/claims/4", {"Authorization": f"Bearer {token}", "X-Tenant": "other"}
    )
    assert (reply.status, reply.text) == (500, "request aborted by evaluator #0")
    assert stack.hits("/claims/4/dan") == 0
    # JWT expressions come first, as the validator runs before any proxy in KrakenD.
    token = stack.token(sub="dan", roles=["a"], exp=int(time.time()) + 60)
    reply = send("GET", url + "/claims/4", {"Authorization": f"Bearer {token}", "X-Tenant": "x"})
    assert (reply.status, reply.body) == (401, b"")


def test_a_token_the_validator_refuses_never_reaches_the_expressions(
    url: str, stack: Stack
) -> None:
    forged = stack.token(sub="eve", roles=["a", "b"], exp=int(time.time()) + 60)[:-4] + "AAAA"
    assert send("GET", url + "/claims/5", bearer(forged)).status == 401
    assert stack.hits("/claims/5/eve") == 0


def test_the_token_is_read_where_the_validator_reads_it(url: str, stack: Stack) -> None:
    gold = stack.token(tier="gold")
    assert send("GET", url + "/cookie", {"Cookie": f"session={gold}"}).status == 200
    assert (
        send("GET", url + "/cookie", {"Cookie": f"session={stack.token(tier='tin')}"}).status == 401
    )


def test_jwt_expressions_without_a_validator_are_never_evaluated(url: str, stack: Stack) -> None:
    # As in KrakenD, where only the validator consults them: no verified claims, no check.
    token = stack.token(tier="tin")
    assert send("GET", url + "/unvalidated", {"Authorization": f"Bearer {token}"}).status == 200
    assert send("GET", url + "/unvalidated").status == 200
    assert stack.hits("/unvalidated") == 2
