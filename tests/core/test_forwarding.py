"""Zero-trust forwarding: a backend sees only what the endpoint declares, plus the gateway's own
headers (X-Forwarded-For/Host, User-Agent)."""

from __future__ import annotations

from typing import Any

import pytest
from propylon import __version__

from .cfg import backend, endpoint, service

CLIENT_HEADERS = {
    "X-Secret": "s",
    "Authorization": "Bearer t",
    "Content-Type": "application/json",
    "User-Agent": "test-client/1.0",
}
QUERY = "?a=1&b=2&b=3"


@pytest.fixture
def gateway(serve: Any, backend_url: str) -> str:
    echo = backend(backend_url, "/echo/{id}")
    return serve(
        service(
            endpoint("/plain/{id}", echo),
            endpoint(
                "/declared/{id}",
                echo,
                input_headers=["x-secret"],  # matched whatever the case
                input_query_strings=["a", "b"],
            ),
            endpoint("/all/{id}", echo, input_headers=["*"], input_query_strings=["*"]),
            endpoint(
                "/narrowed/{id}",
                backend(
                    backend_url,
                    "/echo/{id}",
                    input_headers=["Authorization"],
                    input_query_strings=["b"],
                ),
                input_headers=["X-Secret", "Authorization"],
                input_query_strings=["a", "b"],
            ),
            endpoint("/agent/{id}", echo, input_headers=["User-Agent"]),
            endpoint("/post/{id}", echo, method="POST"),
        )
    )


def _seen(client: Any, url: str, **kwargs: Any) -> dict[str, Any]:
    reply = client.request(kwargs.pop("method", "GET"), url, headers=CLIENT_HEADERS, **kwargs)
    assert reply.status == 200, reply.text
    return reply.json()


def test_undeclared_headers_and_query_do_not_reach_the_backend(gateway: str, client: Any) -> None:
    seen = _seen(client, f"{gateway}/plain/42{QUERY}")
    assert seen["path"] == "/echo/42"
    assert seen["query"] == {}
    assert "X-Secret" not in seen["headers"]
    assert "Authorization" not in seen["headers"]
    # Content-Type passes by default, as in KrakenD.
    assert seen["headers"]["Content-Type"] == "application/json"


def test_declared_headers_and_query_reach_the_backend(gateway: str, client: Any) -> None:
    seen = _seen(client, f"{gateway}/declared/42{QUERY}")
    assert seen["headers"]["X-Secret"] == "s"
    assert "Authorization" not in seen["headers"]
    assert "Content-Type" not in seen["headers"]  # declaring headers replaces the default
    assert seen["query"] == {"a": ["1"], "b": ["2", "3"]}


def test_wildcard_forwards_everything(gateway: str, client: Any) -> None:
    seen = _seen(client, f"{gateway}/all/42{QUERY}&c=x")
    for name in ("X-Secret", "Authorization", "Content-Type"):
        assert seen["headers"][name] == CLIENT_HEADERS[name]
    assert seen["query"] == {"a": ["1"], "b": ["2", "3"], "c": ["x"]}


def test_backend_allow_lists_narrow_the_endpoints(gateway: str, client: Any) -> None:
    seen = _seen(client, f"{gateway}/narrowed/42{QUERY}")
    assert seen["headers"]["Authorization"] == "Bearer t"
    assert "X-Secret" not in seen["headers"]
    assert seen["query"] == {"b": ["2", "3"]}


def test_forwarded_headers(gateway: str, client: Any) -> None:
    seen = _seen(client, f"{gateway}/plain/1")
    assert seen["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert seen["headers"]["X-Forwarded-Host"] == gateway.removeprefix("http://")


def test_user_agent_is_the_gateways_by_default(gateway: str, client: Any) -> None:
    seen = _seen(client, f"{gateway}/plain/1")
    assert seen["headers"]["User-Agent"] == f"Propylon Version {__version__}"
    assert "X-Forwarded-Via" not in seen["headers"]


def test_declared_user_agent_passes_and_the_gateway_goes_to_via(gateway: str, client: Any) -> None:
    seen = _seen(client, f"{gateway}/agent/1")
    assert seen["headers"]["User-Agent"] == "test-client/1.0"
    assert seen["headers"]["X-Forwarded-Via"] == f"Propylon Version {__version__}"


def test_response_names_the_gateway(gateway: str, client: Any) -> None:
    reply = client.get(f"{gateway}/plain/1")
    assert reply.headers["X-Propylon"] == f"Version {__version__}"
    assert reply.headers["X-Propylon-Completed"] == "true"


def test_post_body_and_method_reach_the_backend(gateway: str, client: Any) -> None:
    seen = _seen(client, f"{gateway}/post/9", method="POST", body=b'{"x": 1}')
    assert seen["method"] == "POST"
    assert seen["body"] == '{"x": 1}'
    assert seen["path"] == "/echo/9"


def test_path_params_are_escaped_into_the_backend_path(gateway: str, client: Any) -> None:
    seen = _seen(client, f"{gateway}/plain/a%20b")
    assert seen["path"] == "/echo/a b"


def test_krakend_compat_names(gateways: Any, backend_url: str, client: Any) -> None:
    """PROPYLON_COMPAT=krakend/2.13.8: the names a suite written for KrakenD expects."""
    config = service(endpoint("/plain", backend(backend_url, "/echo")))
    gateway = gateways.start(config, env={"PROPYLON_COMPAT": "krakend/2.13.8"})
    reply = client.get(gateway.url + "/plain")
    assert reply.status == 200
    assert reply.json()["headers"]["User-Agent"] == "KrakenD Version 2.13.8"
    assert reply.headers["X-Krakend"] == "Version 2.13.8"
    assert reply.headers["X-Krakend-Completed"] == "true"
    assert "X-Propylon" not in reply.headers
