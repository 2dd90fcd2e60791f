"""KrakenD's ``router`` options on a real in-process gateway: the access log, the router's
own answers (OPTIONS, 405, 404, extra slashes) and the client IP."""

from __future__ import annotations

import http.client
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from propylon.sdk import Module, client_ip
from propylon.sdk.testing import (
    ConfigErrors,
    RecordingBackend,
    Reply,
    Servers,
    build_gateway,
    check_config,
    load_config,
    send,
)

Gateway = Callable[..., str]


@pytest.fixture
def recorder() -> RecordingBackend:
    return RecordingBackend()


@pytest.fixture
def gateway(recorder: RecordingBackend) -> Iterator[Gateway]:
    """``gateway(router_options, *modules) -> URL`` of GET /a, POST /a, GET /b/{id}."""
    with Servers() as servers:
        host = servers.start(recorder.app())

        def start(router: dict[str, Any] | None = None, *modules: Module) -> str:
            def endpoint(path: str, method: str = "GET") -> dict[str, Any]:
                return {
                    "endpoint": path,
                    "method": method,
                    "backend": [{"host": [host], "url_pattern": path}],
                }

            config = {
                "endpoints": [endpoint("/a"), endpoint("/a", "POST"), endpoint("/b/{id}")],
                "extra_config": {"router": router or {}},
            }
            return servers.start(build_gateway(load_config(config, modules), modules))

        yield start


def send_from(source: str, method: str, url: str, headers: dict[str, str]) -> Reply:
    """A request from another loopback address (a proxy, a client)."""
    host, _, port = url.removeprefix("http://").partition("/")[0].partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(source, 0))
    try:
        conn.request(method, "/" + url.removeprefix("http://").partition("/")[2], headers=headers)
        resp = conn.getresponse()
        return Reply(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "propylon.access"]


def test_each_request_gets_an_access_log_line(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="propylon.access")
    url = gateway()
    assert send("GET", url + "/a?x=1").status == 200
    assert send("DELETE", url + "/nowhere").status == 404
    first, second = access_lines(caplog)
    assert first.startswith("| 200 |")
    assert '| GET     "/a?x=…"' in first and " 127.0.0.1 | GET" in first
    assert second.startswith("| 404 |") and 'DELETE  "/nowhere"' in second
    # Query values (tokens, keys) are never written: the parameters are named, that is all.
    send("GET", url + "/a?access_token=s3cr3t-value&x=1&x=2")
    assert access_lines(caplog)[-1].endswith('"/a?access_token=…&x=…&x=…"')
    assert not any("s3cr3t" in line for line in access_lines(caplog))
    # A client's quotes and control characters are escaped, never written as they are.
    send("GET", url + '/a%22%0A?"')
    assert access_lines(caplog)[-1].endswith('"/a\\"\\n?\\"=…"')


def test_the_access_log_skips_paths_and_can_be_disabled(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="propylon.access")
    url = gateway({"logger_skip_paths": ["/__health", "/a"]})
    send("GET", url + "/__health")
    send("GET", url + "/a?x=1")
    send("GET", url + "/b/1")
    assert [line.split('"')[1] for line in access_lines(caplog)] == ["/b/1"]
    caplog.clear()
    url = gateway({"disable_access_log": True})
    send("GET", url + "/b/1")
    assert access_lines(caplog) == []


def test_nothing_is_logged_when_the_logger_is_off_for_info(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="propylon.access")
    send("GET", gateway() + "/a")
    assert access_lines(caplog) == []


def test_auto_options_answers_options_with_the_paths_methods(gateway: Gateway) -> None:
    plain = gateway()
    reply = send("OPTIONS", plain + "/a")
    assert (reply.status, reply.headers["Allow"]) == (405, "GET, POST")
    url = gateway({"auto_options": True})
    reply = send("OPTIONS", url + "/a")
    assert (reply.status, reply.headers["Allow"], reply.body) == (200, "GET, POST", b"")
    assert reply.headers["X-Propylon"].startswith("Version")
    assert send("OPTIONS", url + "/b/7").headers["Allow"] == "GET"
    assert send("OPTIONS", url + "/c").status == 404
    assert send("PUT", url + "/a").headers["Allow"] == "GET, OPTIONS, POST"


def test_method_not_allowed_can_answer_404(gateway: Gateway) -> None:
    url = gateway({"disable_handle_method_not_allowed": True})
    reply = send("POST", url + "/b/1")
    assert (reply.status, reply.body, reply.headers.get("Allow")) == (
        404,
        b"404 page not found",
        None,
    )


def test_remove_extra_slash_routes_the_clean_path(
    gateway: Gateway, recorder: RecordingBackend
) -> None:
    url = gateway({"remove_extra_slash": True})
    assert send("GET", url + "//a").status == 200
    assert send("GET", url + "//b///7?q=1").status == 200
    assert [r.path for r in recorder.requests] == ["/a", "/b/7"]
    assert send("GET", url + "//nowhere").status == 404
    assert send("PUT", url + "//a").status == 405
    # Without it the client is redirected to the clean path, as KrakenD's fixed-path redirect.
    reply = send("GET", gateway() + "//a?q=1")
    assert (reply.status, reply.headers["Location"]) == (301, "/a?q=1")


def test_error_body_replaces_the_404_and_405_bodies(gateway: Gateway) -> None:
    bodies = {"404": {"error": "no such path", "status": 404}, "405": {"error": "no"}}
    url = gateway({"error_body": bodies})
    missing = send("GET", url + "/nowhere")
    assert (missing.status, missing.json()) == (404, bodies["404"])
    assert missing.headers["Content-Type"] == "application/json; charset=utf-8"
    assert missing.headers["X-Propylon-Completed"] == "false"
    refused = send("DELETE", url + "/a")
    assert (refused.status, refused.json(), refused.headers["Allow"]) == (
        405,
        bodies["405"],
        "GET, POST",
    )
    only_404 = gateway({"error_body": {"404": {"e": 1}}})
    assert send("DELETE", only_404 + "/a").body == b"405 method not allowed"


def forwarded_for(recorder: RecordingBackend) -> str:
    return recorder.requests[-1].headers["X-Forwarded-For"]


def test_without_trusted_proxies_the_peer_is_the_client(
    gateway: Gateway, recorder: RecordingBackend
) -> None:
    url = gateway()
    forged = {"X-Forwarded-For": "198.51.100.1", "X-Real-IP": "198.51.100.2"}
    assert send_from("127.0.0.2", "GET", url + "/a", forged).status == 200
    assert forwarded_for(recorder) == "127.0.0.2"


def test_a_trusted_proxy_names_the_client(
    gateway: Gateway, recorder: RecordingBackend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="propylon.access")
    url = gateway({"trusted_proxies": ["127.0.0.4/32", "10.0.0.0/8"]})
    chain = {"X-Forwarded-For": "203.0.113.50, 198.51.100.1, 10.1.2.3"}
    send_from("127.0.0.4", "GET", url + "/a", chain)
    assert forwarded_for(recorder) == "198.51.100.1"  # the entry left of the trusted proxies
    assert " 198.51.100.1 | GET" in access_lines(caplog)[-1]
    send_from("127.0.0.4", "GET", url + "/a", {"X-Real-IP": "198.51.100.3"})
    assert forwarded_for(recorder) == "198.51.100.3"
    send_from("127.0.0.4", "GET", url + "/a", {"X-Forwarded-For": "junk"})
    assert forwarded_for(recorder) == "127.0.0.4"
    send_from("127.0.0.5", "GET", url + "/a", chain)  # not trusted
    assert forwarded_for(recorder) == "127.0.0.5"


def test_remote_ip_headers_and_forwarded_by_client_ip(
    gateway: Gateway, recorder: RecordingBackend
) -> None:
    trusted = {"trusted_proxies": ["127.0.0.4"], "remote_ip_headers": ["x-client-ip"]}
    url = gateway(trusted)
    both = {"X-Forwarded-For": "198.51.100.1", "X-Client-IP": "198.51.100.2"}
    send_from("127.0.0.4", "GET", url + "/a", both)
    assert forwarded_for(recorder) == "198.51.100.2"
    url = gateway({**trusted, "forwarded_by_client_ip": False})
    send_from("127.0.0.4", "GET", url + "/a", both)
    assert forwarded_for(recorder) == "127.0.0.4"


def test_extensions_read_the_routers_client_ip(
    gateway: Gateway, recorder: RecordingBackend
) -> None:
    seen: list[str] = []

    def handler(next_factory: Any, _ctx: Any) -> Any:
        def factory(endpoint: Any, proxy: Any) -> Any:
            handle = next_factory(endpoint, proxy)

            async def record(request: Any) -> Any:
                seen.append(client_ip(request))
                return await handle(request)

            return record

        return factory

    module = Module(name="seen", namespaces=(), description="records client IPs", handler=handler)
    url = gateway({"trusted_proxies": ["127.0.0.4"]}, module)
    send_from("127.0.0.4", "GET", url + "/a", {"X-Forwarded-For": "198.51.100.7"})
    send_from("127.0.0.6", "GET", url + "/a", {"X-Forwarded-For": "198.51.100.7"})
    assert seen == ["198.51.100.7", "127.0.0.6"]
    assert forwarded_for(recorder) == "127.0.0.6"


def test_bad_trusted_proxies_and_unsupported_options_are_named() -> None:
    with pytest.raises(ConfigErrors, match=r"trusted_proxies.*10\.0\.0\.0/33"):
        load_config({"extra_config": {"router": {"trusted_proxies": ["10.0.0.0/33"]}}})
    problems = check_config({"extra_config": {"router": {"max_multipart_memory": 1024}}})
    assert "max_multipart_memory" in str(problems)
