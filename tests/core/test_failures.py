"""Backend failures seen through a real gateway process, which keeps serving after each one."""

from __future__ import annotations

from typing import Any

import pytest

from .cfg import backend, endpoint, service, unused_address

COMPLETED = "X-Propylon-Completed"
ENDPOINT_TIMEOUT = 0.3


def _config(backend_url: str, **fields: Any) -> dict[str, Any]:
    down = unused_address()
    http_errors = {"backend/http": {"return_error_code": True}}
    return service(
        endpoint("/ok", backend(backend_url, "/user/1")),
        endpoint("/down", backend(down, "/anything")),
        endpoint(
            "/slow", backend(backend_url, "/slow"), timeout=f"{int(ENDPOINT_TIMEOUT * 1000)}ms"
        ),
        endpoint("/bad-json", backend(backend_url, "/bad-json")),
        endpoint("/5xx", backend(backend_url, "/status/503")),
        endpoint("/5xx-code", backend(backend_url, "/status/503", extra_config=http_errors)),
        endpoint(
            "/partial",
            backend(backend_url, "/user/1", group="user"),
            backend(backend_url, "/status/500", group="broken"),
        ),
        endpoint(
            "/both",
            backend(backend_url, "/user/1", group="user"),
            backend(backend_url, "/items", group="list"),
            cache_ttl="30s",
        ),
        **fields,
    )


@pytest.fixture(scope="module")
def gateway(module_gateways: Any, backend_url: str) -> Any:
    return module_gateways.start(_config(backend_url))


@pytest.fixture(scope="module")
def verbose_gateway(module_gateways: Any, backend_url: str) -> Any:
    """The same endpoints with ``router.return_error_msg``: errors are told to the client."""
    return module_gateways.start(
        _config(backend_url, extra_config={"router": {"return_error_msg": True}})
    )


def _assert_still_serving(gateway: Any, client: Any) -> None:
    assert gateway.alive(), gateway.log()
    reply = client.get(gateway.url + "/ok")
    assert reply.status == 200
    assert reply.json()["name"] == "Ann"
    assert reply.headers[COMPLETED] == "true"


@pytest.mark.parametrize("path", ["/down", "/slow", "/bad-json", "/5xx"])
def test_failing_backend_answers_500_incomplete(gateway: Any, client: Any, path: str) -> None:
    reply = client.get(gateway.url + path)
    assert reply.status == 500
    assert reply.headers[COMPLETED] == "false"
    assert reply.body == b""  # return_error_msg is off: nothing about the backend leaks
    _assert_still_serving(gateway, client)


def test_slow_backend_fails_at_the_endpoint_timeout(gateway: Any, client: Any) -> None:
    reply = client.get(gateway.url + "/slow")
    assert reply.status == 500
    assert reply.headers[COMPLETED] == "false"
    # The backend would take 1.5 s; the gateway gives up at its 300 ms timeout.
    assert ENDPOINT_TIMEOUT * 0.9 <= reply.elapsed < ENDPOINT_TIMEOUT + 0.7
    _assert_still_serving(gateway, client)


def test_failures_are_logged(gateway: Any, client: Any) -> None:
    client.get(gateway.url + "/5xx")
    client.get(gateway.url + "/ok")  # the log line is written before the next response
    assert "[ENDPOINT: /5xx] invalid status code 503" in gateway.log()


def test_return_error_code_passes_the_backend_status(gateway: Any, client: Any) -> None:
    reply = client.get(gateway.url + "/5xx-code")
    assert reply.status == 503
    assert reply.headers[COMPLETED] == "false"
    _assert_still_serving(gateway, client)


def test_return_error_msg_puts_the_error_in_the_body(verbose_gateway: Any, client: Any) -> None:
    reply = client.get(verbose_gateway.url + "/5xx")
    assert reply.status == 500
    assert reply.headers[COMPLETED] == "false"
    assert reply.text.startswith("invalid status code 503 [GET /status/503]: http://127.0.0.1:")
    assert reply.headers["Content-Type"].startswith("text/plain")
    _assert_still_serving(verbose_gateway, client)


def test_return_error_msg_with_error_code_passes_the_backend_answer(
    verbose_gateway: Any, client: Any
) -> None:
    reply = client.get(verbose_gateway.url + "/5xx-code")
    assert reply.status == 503
    assert reply.text == "backend says 503"
    _assert_still_serving(verbose_gateway, client)


def test_return_error_msg_names_a_backend_down(verbose_gateway: Any, client: Any) -> None:
    reply = client.get(verbose_gateway.url + "/down")
    assert reply.status == 500
    assert "127.0.0.1" in reply.text
    _assert_still_serving(verbose_gateway, client)


def test_one_merged_backend_failing_keeps_the_others_data(gateway: Any, client: Any) -> None:
    reply = client.get(gateway.url + "/partial")
    assert reply.status == 200
    assert reply.headers[COMPLETED] == "false"
    assert "Cache-Control" not in reply.headers
    data = reply.json()
    assert data["user"]["name"] == "Ann"
    assert "broken" not in data
    _assert_still_serving(gateway, client)


def test_merged_backends_all_ok_complete_and_cacheable(gateway: Any, client: Any) -> None:
    reply = client.get(gateway.url + "/both")
    assert reply.status == 200
    assert reply.headers[COMPLETED] == "true"
    assert reply.headers["Cache-Control"] == "public, max-age=30"
    data = reply.json()
    assert data["user"]["id"] == 1
    assert data["list"]["total"] == 2


def test_gateway_stops_cleanly_on_sigterm(gateways: Any, backend_url: str, client: Any) -> None:
    gateway = gateways.start(service(endpoint("/ok", backend(backend_url, "/user/1"))))
    assert client.get(gateway.url + "/ok").status == 200
    assert gateway.stop() == 0
