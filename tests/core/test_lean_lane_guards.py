"""Service-level modules in the lean lane: a gateway with ``security/cors``,
``security/http``, the bot detector and a Lua script at the service level keeps its lane
(their middlewares and ``on_response_prepare`` receivers are lane-capable), and the lane
answers what aiohttp answers through them, byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from multidict import CIMultiDict
from propylon.config import load_service
from propylon.gateway import build_application
from propylon.modules.discovery import installed_modules
from propylon.router.answer import Answer
from propylon.router.lean import lean_routes
from propylon.router.prepared import AnswerHeaders

from .cfg import backend, endpoint, service
from .test_lean_lane import _backend, _lean_and_aiohttp

GUARDS = {
    "security/cors": {
        "allow_origins": ["https://app.example"],
        "allow_methods": ["GET", "POST"],
        "expose_headers": ["X-Backend"],
        "allow_credentials": True,
    },
    "security/http": {
        # The test's own Host, and the harness's health checks (127.0.0.1:PORT).
        "allowed_hosts": [r"^gw\.example$", r"^127\.0\.0\.1:\d+$"],
        "allowed_hosts_are_regex": True,
        "frame_deny": True,
        "content_type_nosniff": True,
        "sts_seconds": 300,
        "content_security_policy": "default-src 'self'",
    },
    "security/bot-detector": {"deny": ["probe/1"]},
    "modifier/lua-endpoint": {"pre": 'local c = ctx.load(); c:headers("X-Team", "lua")'},
}


def _service(url: str) -> dict[str, Any]:
    return service(
        endpoint("/json", backend(url, "/json")),
        endpoint("/raw", backend(url, "/raw", encoding="no-op"), output_encoding="no-op"),
        endpoint("/item/{id}", backend(url, "/echo/{id}")),
        endpoint("/echo", backend(url, "/echo"), input_headers=["X-Team"]),
        endpoint("/down", backend("http://127.0.0.1:9", "/")),
        extra_config=GUARDS,
    )


@pytest.fixture(scope="module")
def gateway(module_gateways: Any, module_servers: Any) -> Any:
    return module_gateways.start(_service(module_servers.start(_backend())))


def test_a_gateway_with_these_service_level_modules_keeps_its_lane(module_servers: Any) -> None:
    modules = installed_modules()
    config = _service(module_servers.start(_backend()))
    app = build_application(load_service(config, modules), modules)
    app.freeze()
    lanes = lean_routes(app)
    assert lanes is not None and "/json" in lanes.handlers
    assert len(lanes.receivers) == 2  # CORS's and security/http's


@pytest.mark.parametrize(
    ("target", "headers", "status"),
    [
        ("/json", "Origin: https://app.example\r\n", 200),
        ("/json", "Origin: https://other.example\r\n", 200),
        ("/json", "", 200),
        ("/raw", "Origin: https://app.example\r\n", 200),
        ("/item/7", "Origin: https://app.example\r\n", 200),
        ("/down", "Origin: https://app.example\r\n", 500),
        ("/nowhere", "Origin: https://app.example\r\n", 404),
    ],
)
def test_the_lane_answers_what_aiohttp_answers(
    gateway: Any, target: str, headers: str, status: int
) -> None:
    request = f"GET {target} HTTP/1.1\r\nHost: gw.example\r\n{headers}\r\n".encode()
    lean, through_aiohttp = _lean_and_aiohttp(gateway.port, request)
    assert lean == through_aiohttp
    assert lean.startswith(b"HTTP/1.1 %d " % status)
    assert b"\r\nX-Frame-Options: DENY\r\n" in lean  # security/http's, on every answer
    if "app.example" in headers:  # CORS's, for the allowed origin
        assert b"\r\nAccess-Control-Allow-Origin: https://app.example\r\n" in lean
    else:
        assert b"Access-Control-Allow-Origin" not in lean


def test_a_bot_is_refused_in_the_lane_as_through_aiohttp(gateway: Any) -> None:
    request = b"GET /json HTTP/1.1\r\nHost: gw.example\r\nUser-Agent: probe/1\r\n\r\n"
    lean, through_aiohttp = _lean_and_aiohttp(gateway.port, request)
    assert lean == through_aiohttp
    assert lean.startswith(b"HTTP/1.1 403 ")


def test_the_service_script_changes_the_request_in_the_lane_as_through_aiohttp(
    gateway: Any,
) -> None:
    request = b"GET /echo HTTP/1.1\r\nHost: gw.example\r\nX-Team: blue\r\n\r\n"
    lean, through_aiohttp = _lean_and_aiohttp(gateway.port, request)
    assert lean == through_aiohttp
    assert b'"X-Team":"lua"' in lean


def test_a_host_not_allowed_is_refused_in_the_lane_as_through_aiohttp(gateway: Any) -> None:
    request = b"GET /json HTTP/1.1\r\nHost: evil.example\r\n\r\n"
    lean, through_aiohttp = _lean_and_aiohttp(gateway.port, request)
    assert lean == through_aiohttp
    assert lean.startswith(b"HTTP/1.1 500 ") and lean.endswith(b"Bad Host\n")


def test_answer_headers_behave_as_a_multidict() -> None:
    """What a receiver does to a response's headers gives an Answer the same headers."""
    fields = [("A", "1"), ("b", "2"), ("C", "3"), ("B", "4")]
    answer = Answer(200, fields)
    ours, theirs = AnswerHeaders(answer), CIMultiDict(fields)
    for headers in (ours, theirs):
        assert "a" in headers and "Z" not in headers
        assert headers.getall("B") == ["2", "4"] and headers.getall("Z", []) == []
        assert headers.popall("z", None) is None and headers.getone("Z", "-") == "-"
        with pytest.raises(KeyError):
            headers.popall("z")
        headers.add("Vary", "Origin")
        assert headers.popone("b") == "2"
        headers["c"] = "5"
        assert headers.popall("A") == ["1"]
        headers.extend([("X", "1")], Y="2")
        del headers["Y"]
    assert list(ours.items()) == list(theirs.items()) == list(answer.headers)
    with pytest.raises(KeyError):
        ours["missing"]


def test_a_receiver_adding_to_a_plain_answer_makes_it_checked() -> None:
    answer = Answer(200, [("Content-Type", "application/json")], b"{}", plain=True)
    AnswerHeaders(answer).add("Vary", "Origin")
    assert not answer.plain
