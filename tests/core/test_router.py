"""The router: unmatched paths (404, 405, redirects), the gateway's own endpoints, body limits."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from .cfg import backend, endpoint, service

COMPLETED = "X-Propylon-Completed"


@pytest.fixture
def users(backend_url: str) -> dict[str, Any]:
    return endpoint("/users/{id}", backend(backend_url, "/user/{id}", allow=["id"]))


@pytest.fixture
def gateway(serve: Any, users: dict[str, Any], backend_url: str) -> str:
    upload = endpoint("/upload", backend(backend_url, "/echo"), method="POST")
    return serve(service(users, upload, extra_config={"router": {"max_payload": 1024}}))


def test_endpoint_answers(gateway: str, client: Any) -> None:
    assert client.get(gateway + "/users/3").json() == {"id": 3}


@pytest.mark.parametrize("path", ["/users/3", "/nowhere", "/__health"])
def test_no_server_software_announced(gateway: str, client: Any, path: str) -> None:
    assert client.get(gateway + path).headers.get("Server") is None


def test_hide_version_header(serve: Any, users: dict[str, Any], client: Any) -> None:
    gateway = serve(service(users, extra_config={"router": {"hide_version_header": True}}))
    for path in ("/users/3", "/nowhere"):
        assert client.get(gateway + path).headers["X-Propylon"] == "Version undefined"


def test_unknown_path_is_404(gateway: str, client: Any) -> None:
    reply = client.get(gateway + "/nowhere")
    assert reply.status == 404
    assert reply.body == b"404 page not found"
    assert reply.headers[COMPLETED] == "false"


def test_other_method_is_405_with_allow(gateway: str, client: Any) -> None:
    reply = client.request("DELETE", gateway + "/users/3")
    assert reply.status == 405
    assert reply.body == b"405 method not allowed"
    assert reply.headers["Allow"] == "GET"


@pytest.mark.parametrize(
    ("method", "path", "status", "location"),
    [
        ("GET", "/USERS/3", 301, "/users/3"),
        ("GET", "/Users/3?x=1", 301, "/users/3?x=1"),
        ("GET", "/users/3/", 301, "/users/3"),
        ("GET", "/users//3", 301, "/users/3"),
        ("POST", "/UPLOAD", 307, "/upload"),
    ],
)
def test_case_and_slash_variants_redirect(
    gateway: str, client: Any, method: str, path: str, status: int, location: str
) -> None:
    reply = client.request(method, gateway + path)
    assert reply.status == status
    assert reply.headers["Location"] == location
    assert client.request(method, gateway + location, body=b"{}").status == 200


def test_redirects_can_be_disabled(serve: Any, users: dict[str, Any], client: Any) -> None:
    router = {"disable_redirect_fixed_path": True, "disable_redirect_trailing_slash": True}
    gateway = serve(service(users, extra_config={"router": router}))
    assert client.get(gateway + "/USERS/3").status == 404
    assert client.get(gateway + "/users/3/").status == 404


def test_health(gateway: str, client: Any) -> None:
    reply = client.get(gateway + "/__health")
    assert reply.status == 200
    data = reply.json()
    assert data["status"] == "ok"
    assert data["agents"] == {}
    assert data["now"].endswith("+0000 UTC")


def test_debug_and_echo_are_off_by_default(gateway: str, client: Any) -> None:
    assert client.get(gateway + "/__debug/x").status == 404
    assert client.get(gateway + "/__echo/x").status == 404


def test_debug_endpoint_in_debug_mode(serve: Any, users: dict[str, Any], client: Any) -> None:
    gateway = serve(service(users), debug=True)
    for method in ("GET", "POST", "PUT"):
        reply = client.request(method, gateway + "/__debug/any/path?q=1", body=b"x")
        assert reply.status == 200
        assert reply.json() == {"message": "pong"}


def test_debug_endpoint_from_the_config(serve: Any, users: dict[str, Any], client: Any) -> None:
    gateway = serve(service(users, debug_endpoint=True))
    assert client.get(gateway + "/__debug/").json() == {"message": "pong"}


def test_debug_flag_of_the_run_command(gateways: Any, users: dict[str, Any], client: Any) -> None:
    gateway = gateways.start(service(users), debug=True)
    assert client.get(gateway.url + "/__debug/").json() == {"message": "pong"}


def test_echo_endpoint(serve: Any, users: dict[str, Any], client: Any) -> None:
    gateway = serve(service(users, echo_endpoint=True))
    reply = client.request(
        "PUT", gateway + "/__echo/a/b?x=1&x=2", headers={"x-custom": "v"}, body=b"hello"
    )
    assert reply.status == 200
    data = reply.json()
    assert data["req_method"] == "PUT"
    assert data["req_uri"] == "/__echo/a/b?x=1&x=2"
    assert data["req_uri_details"]["path"] == "/__echo/a/b"
    assert data["req_querystring"] == {"x": ["1", "2"]}
    assert data["req_headers"]["X-Custom"] == ["v"]
    assert data["req_body"] == "hello"


def test_body_over_max_payload_is_413(gateway: str, client: Any) -> None:
    small = client.request("POST", gateway + "/upload", body=b"a" * 1000)
    assert small.status == 200
    assert small.json()["body"] == "a" * 1000
    big = client.request("POST", gateway + "/upload", body=b"a" * 2048)
    assert big.status == 413
    assert client.request("POST", gateway + "/upload", body=b"ok").status == 200


def test_client_too_slow_to_send_its_body_gets_408(
    serve: Any, backend_url: str, client: Any
) -> None:
    upload = endpoint("/upload", backend(backend_url, "/echo"), method="POST")
    gateway = serve(service(upload, read_timeout="300ms"))
    host, port = gateway.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
        started = time.monotonic()
        reply = conn.recv(4096)
        elapsed = time.monotonic() - started
    assert reply.startswith(b"HTTP/1.1 408 ")
    assert elapsed < 3
    assert client.request("POST", gateway + "/upload", body=b"ok").status == 200
