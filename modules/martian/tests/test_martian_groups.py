"""Groups (fifo, priority), modifier errors and verifiers."""

from __future__ import annotations

import logging

import pytest
from martian_support import REQ, RES, Backend, endpoint, mod, start
from propylon.sdk.testing import Servers, send

HOST_TWICE = mod("header.Append", REQ, name="Host", value="other")  # the request has a Host
BAD_LENGTH = mod("header.Modifier", None, name="Content-Length", value="abc")
HOST_ERROR = "proxyutil: illegal header multiple: Host"
LENGTH_ERROR = 'strconv.ParseInt: parsing "abc": invalid syntax'


def append(value: str, scope: list[str] = REQ) -> dict:
    return mod("header.Append", scope, name="X-Order", value=value)


def fifo(*modifiers: dict, aggregate: bool = False, scope: list[str] | None = None) -> dict:
    return mod("fifo.Group", scope, modifiers=list(modifiers), aggregateErrors=aggregate)


@pytest.fixture(scope="module")
def url(servers: Servers, backend: Backend) -> str:
    host = backend.url
    ranked = [
        {"priority": 1, "modifier": append("one")},
        {"priority": 5, "modifier": append("five")},
        {"priority": 5, "modifier": append("five-b")},
        {"priority": 9, "modifier": append("nine", RES)},
    ]
    verify = [
        mod("header.Verifier", REQ, name="X-Need", value="yes"),
        mod("method.Verifier", REQ, method="POST"),
        mod("url.Verifier", REQ, path="/expected"),
        mod("querystring.Verifier", REQ, name="key"),
        mod("status.Verifier", RES, statusCode=201),
        mod("header.Verifier", RES, name="X-Backend"),
    ]
    endpoints = [
        endpoint("/fifo", host, fifo(append("a"), append("b"), append("c", RES)), no_op=True),
        endpoint("/priority", host, mod("priority.Group", None, modifiers=ranked), no_op=True),
        endpoint("/aggregate", host, fifo(HOST_TWICE, BAD_LENGTH, aggregate=True, scope=REQ)),
        endpoint("/first-error", host, fifo(HOST_TWICE, BAD_LENGTH, scope=REQ)),
        endpoint("/response-error", host, fifo(append("a", RES), BAD_LENGTH, scope=RES)),
        endpoint(
            "/nested",
            host,
            mod(
                "header.Filter",
                REQ,
                name="X-Env",
                value="prod",
                modifier=fifo(append("x"), append("y")),
            ),
            input_headers=["X-Env"],
        ),
        endpoint(
            "/verify",
            host,
            fifo(*verify),
            input_headers=["X-Need"],
            input_query_strings=["key"],
            url_pattern="/expected",
        ),
    ]
    return start(servers, endpoints, extra_config={"router": {"return_error_msg": True}})


def test_fifo_runs_in_order_per_scope(url: str, backend: Backend) -> None:
    reply = send("GET", url + "/fifo")
    assert backend.last.headers.getall("X-Order") == ["a", "b"]
    assert reply.headers.get_all("X-Order") == ["c"]


def test_priority_runs_highest_first(url: str, backend: Backend) -> None:
    reply = send("GET", url + "/priority")
    assert backend.last.headers.getall("X-Order") == ["five-b", "five", "one"]
    assert reply.headers.get_all("X-Order") == ["nine"]


def test_aggregated_errors_fail_the_backend_with_every_error(url: str, backend: Backend) -> None:
    hits = backend.served.hits
    reply = send("GET", url + "/aggregate")
    assert reply.status == 500 and reply.text == f"{HOST_ERROR}\n{LENGTH_ERROR}"
    assert reply.headers["X-Propylon-Completed"] == "false"
    reply = send("GET", url + "/first-error")
    assert reply.status == 500 and reply.text == HOST_ERROR
    assert backend.served.hits == hits  # a request modifier failed: nothing was sent


def test_a_response_modifier_error_fails_the_backend(url: str, backend: Backend) -> None:
    hits = backend.served.hits
    reply = send("GET", url + "/response-error")
    assert (reply.status, reply.text) == (500, LENGTH_ERROR)
    assert backend.served.hits == hits + 1


def test_group_inside_a_filter(url: str, backend: Backend) -> None:
    send("GET", url + "/nested", {"X-Env": "prod"})
    assert backend.last.headers.getall("X-Order") == ["x", "y"]
    send("GET", url + "/nested", {"X-Env": "dev"})
    assert "X-Order" not in backend.last.headers


def verification_failures(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "propylon.martian"]


def test_verifiers_log_failures_and_change_nothing(
    url: str, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="propylon.martian")
    reply = send("GET", url + "/verify", {"X-Need": "no"})
    assert reply.status == 200 and reply.json() == {"ok": True, "path": "/expected"}
    target = f"{backend.url}/expected"
    prefix = "[MARTIAN] verification failed: "
    assert verification_failures(caplog) == [
        f"{prefix}request({target}) header verify failure: got X-Need with value no, "
        "want value yes",
        f"{prefix}request({target}) method verification error: got GET, want POST",
        f"{prefix}request({target}) param verification error: key key not found",
        f"{prefix}response({target}) status code verify failure: got 200, want 201",
    ]


def test_verifiers_that_pass_say_nothing(
    url: str, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="propylon.martian")
    assert send("GET", url + "/verify?key=1", {"X-Need": "yes"}).status == 200
    assert len(verification_failures(caplog)) == 2  # method and status only
