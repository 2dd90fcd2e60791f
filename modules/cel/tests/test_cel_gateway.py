"""CEL checks in a real gateway in front of a real backend that records its hits: request
expressions stop a request before the backend, response expressions after it, at the endpoint
and at the backend level, with KrakenD's 500 ``request aborted by evaluator #N``."""

from __future__ import annotations

import time

import pytest
from cel_stack import Stack
from propylon.sdk.testing import Reply, send

COMPLETED = "X-Propylon-Completed"


def cel(*expressions: str) -> dict[str, list[dict[str, str]]]:
    return {"validation/cel": [{"check_expr": e} for e in expressions]}


def aborted(reply: Reply, index: int) -> None:
    assert reply.status == 500, reply.text
    assert reply.text == f"request aborted by evaluator #{index}"
    assert reply.headers[COMPLETED] == "false"


@pytest.fixture(scope="module")
def url(stack: Stack) -> str:
    stack.documents.update(
        {
            "/data/good": {"ok": True, "items": [{"qty": 1}, {"qty": 2}], "owner": "ann"},
            "/data/bad": {"ok": False, "items": [{"qty": 0}], "owner": "bob"},
            "/big": {"a": list(range(400)), "b": list(range(400))},
            "/small": {"a": [1, 2, 3], "b": [3, 4]},
        }
    )
    return stack.gateway(
        [
            {
                "endpoint": "/method",
                "method": "DELETE",
                "extra_config": cel("req_method == 'DELETE'"),
            },
            {"endpoint": "/method-get", "extra_config": cel("req_method == 'POST'")},
            {"endpoint": "/path/{id}", "extra_config": cel("req_path.startsWith('/path/ok')")},
            {"endpoint": "/params/{id}", "extra_config": cel("int(req_params.Id) % 2 == 0")},
            {
                "endpoint": "/headers",
                "input_headers": ["X-Role"],
                "extra_config": cel("'admin' in req_headers['X-Role']"),
            },
            {
                "endpoint": "/query",
                "input_query_strings": ["tier"],
                "extra_config": cel("req_querystring.tier[0] == 'gold'"),
            },
            {
                "endpoint": "/now",
                "extra_config": cel(
                    "timestamp(now) > timestamp('2020-01-01T00:00:00Z')",
                    "timestamp(now) < timestamp('2020-01-01T00:00:00Z')",
                ),
            },
            {
                "endpoint": "/resp/{which}",
                "backend": [{"url_pattern": "/data/{which}"}],
                "extra_config": cel(
                    "resp_completed", "resp_data.ok && resp_data.items.all(i, i.qty > 0)"
                ),
            },
            {
                "endpoint": "/complete/{which}",
                "backend": [
                    {"url_pattern": "/data/good", "group": "a"},
                    {
                        "url_pattern": "/data/{which}",
                        "group": "b",
                        "extra_config": cel("resp_data.b.ok"),  # grouped already, as in KrakenD
                    },
                ],
                "extra_config": cel("resp_completed"),
            },
            {
                "endpoint": "/noop/{which}",
                "output_encoding": "no-op",
                "backend": [
                    {
                        "url_pattern": "/data/{which}",
                        "encoding": "no-op",
                        "extra_config": cel("resp_metadata_headers['X-Tier'][0] == 'gold'"),
                    }
                ],
                "extra_config": cel(
                    "resp_metadata_status == 200",
                    "resp_metadata_headers['Content-Type'][0].startsWith('application/json')",
                ),
            },
            {
                "endpoint": "/noop-silver",
                "output_encoding": "no-op",
                "backend": [
                    {
                        "url_pattern": "/data/good",
                        "encoding": "no-op",
                        "extra_config": cel("resp_metadata_headers['X-Tier'][0] == 'silver'"),
                    }
                ],
            },
            {
                "endpoint": "/backends/{id}",
                "input_headers": ["X-Role"],
                "backend": [
                    {
                        "url_pattern": "/b1/{id}",
                        "group": "b1",
                        "extra_config": cel(
                            "int(req_params.Id) % 3 == 0", "req_path == '/b1/' + req_params.Id"
                        ),
                    },
                    {
                        "url_pattern": "/b2/{id}",
                        "group": "b2",
                        "extra_config": cel("int(req_params.Id) % 5 == 0"),
                    },
                ],
                "extra_config": cel("'x' in req_headers['X-Role']"),
            },
            {
                "endpoint": "/single/{id}",
                "backend": [
                    {"url_pattern": "/single/{id}", "extra_config": cel("req_params.Id == 'yes'")}
                ],
            },
            {
                "endpoint": "/stages/{id}",
                "backend": [{"url_pattern": "/data/{id}"}],
                "extra_config": cel(
                    "resp_data.owner == 'ann'", "req_params.Id != 'nope'", "req_method == 'GET'"
                ),
            },
            {"endpoint": "/not-bool", "extra_config": cel("req_path")},
            {
                "endpoint": "/cross/{which}",
                "backend": [{"url_pattern": "/{which}"}],
                "extra_config": cel("resp_data.a.all(x, resp_data.b.exists(y, y >= 0))"),
            },
            {"endpoint": "/plain"},
        ]
    )


@pytest.mark.parametrize(
    ("path", "headers", "passes"),
    [
        ("/path/ok", {}, True),
        ("/path/no", {}, False),
        ("/params/4", {}, True),
        ("/params/3", {}, False),
        ("/params/three", {}, False),  # int() fails: an error stops the request
        ("/headers", {"X-Role": "admin"}, True),
        ("/headers", {"X-Role": "user"}, False),
        ("/headers", {}, False),  # no such key
        ("/query?tier=gold&other=1", {}, True),
        ("/query?tier=silver", {}, False),
        ("/not-bool", {}, False),
    ],
)
def test_request_variables_at_the_endpoint_level(
    url: str, stack: Stack, path: str, headers: dict[str, str], passes: bool
) -> None:
    backend_path = path.split("?")[0]
    before = stack.hits(backend_path)
    reply = send("GET", url + path, headers)
    if passes:
        assert reply.status == 200, reply.text
        assert stack.hits(backend_path) == before + 1
    else:
        aborted(reply, 0)
        assert stack.hits(backend_path) == before


def test_req_method(url: str, stack: Stack) -> None:
    assert send("DELETE", url + "/method").status == 200
    aborted(send("GET", url + "/method-get"), 0)
    assert stack.hits("/method-get") == 0


def test_now_is_the_current_time(url: str, stack: Stack) -> None:
    # The first expression holds, the second does not: #1.
    aborted(send("GET", url + "/now"), 1)
    assert stack.hits("/now") == 0


def test_response_variables_at_the_endpoint_level(url: str, stack: Stack) -> None:
    reply = send("GET", url + "/resp/good")
    assert reply.status == 200, reply.text
    assert reply.json()["owner"] == "ann"
    before = stack.hits("/data/bad")
    aborted(send("GET", url + "/resp/bad"), 1)
    assert stack.hits("/data/bad") == before + 1  # evaluated after the backend


def test_resp_completed_sees_a_backend_that_failed(url: str, stack: Stack) -> None:
    assert send("GET", url + "/complete/good").status == 200
    before = stack.hits("/data/bad")
    aborted(send("GET", url + "/complete/bad"), 0)
    assert stack.hits("/data/bad") == before + 1


def test_response_metadata_of_a_no_op_backend(url: str, stack: Stack) -> None:
    reply = send("GET", url + "/noop/good")
    assert reply.status == 200, reply.text
    assert reply.headers["X-Tier"] == "gold"
    before = stack.hits("/data/good")
    reply = send("GET", url + "/noop-silver")
    assert reply.status == 500
    assert reply.text == "request aborted by evaluator #0"
    assert stack.hits("/data/good") == before + 1


@pytest.mark.parametrize(
    ("id_", "groups", "b1", "b2"),
    [("30", {"b1", "b2"}, 1, 1), ("10", {"b2"}, 0, 1), ("6", {"b1"}, 1, 0)],
)
def test_backend_level_checks_skip_only_their_backend(
    url: str, stack: Stack, id_: str, groups: set[str], b1: int, b2: int
) -> None:
    reply = send("GET", url + f"/backends/{id_}", {"X-Role": "x"})
    assert reply.status == 200, reply.text
    assert set(reply.json()) == groups
    assert reply.headers[COMPLETED] == ("true" if len(groups) == 2 else "false")
    assert stack.hits(f"/b1/{id_}") == b1
    assert stack.hits(f"/b2/{id_}") == b2


def test_the_endpoint_check_runs_before_any_backend(url: str, stack: Stack) -> None:
    aborted(send("GET", url + "/backends/15"), 0)
    assert stack.hits("/b1/15") == stack.hits("/b2/15") == 0


def test_a_lone_backend_that_fails_its_check_fails_the_endpoint(url: str, stack: Stack) -> None:
    assert send("GET", url + "/single/yes").status == 200
    aborted(send("GET", url + "/single/no"), 0)
    assert stack.hits("/single/no") == 0


def test_evaluators_are_numbered_per_stage(url: str, stack: Stack) -> None:
    # Request expressions are #0 and #1 of their stage; the response one is #0 of its own.
    aborted(send("GET", url + "/stages/nope"), 0)
    assert stack.hits("/data/nope") == 0
    aborted(send("GET", url + "/stages/bad"), 0)
    assert stack.hits("/data/bad") >= 1
    assert send("GET", url + "/stages/good").status == 200


def test_costly_nested_comprehensions_are_refused_without_stalling(url: str, stack: Stack) -> None:
    assert send("GET", url + "/cross/small").status == 200
    started = time.monotonic()
    aborted(send("GET", url + "/cross/big"), 0)  # 800 values: 640,000 steps nested
    assert time.monotonic() - started < 1.0
    assert send("GET", url + "/plain").status == 200


def test_an_endpoint_without_the_namespace_is_unchanged(url: str, stack: Stack) -> None:
    reply = send("GET", url + "/plain")
    assert (reply.status, reply.json()) == (200, {"path": "/plain"})
    assert reply.headers[COMPLETED] == "true"
