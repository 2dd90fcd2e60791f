"""Odd data, configurations and plugins: each answered or refused cleanly, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from propylon.config import ConfigError, load_service
from propylon.gateway import build_application
from propylon.plugin.api import PluginError
from propylon.plugin.registry import PluginRegistry

from .cfg import backend, endpoint, service

COMPLETED = "X-Propylon-Completed"


@pytest.fixture
def serve_with(servers: Any, tmp_path: Path, default_identity: None) -> Any:
    """``serve_with(config, registry) -> base URL``: served in-process with these plugins."""

    def start(config: dict[str, Any], plugins: PluginRegistry) -> str:
        path = tmp_path / "gateway.json"
        path.write_text(json.dumps(config), "utf-8")
        return servers.start(build_application(load_service(path), plugins=plugins))

    return start


def _load(tmp_path: Path, config: dict[str, Any]) -> Any:
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(config), "utf-8")
    return load_service(path)


def _no_aiohttp_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.name.startswith("aiohttp")], caplog.text


@pytest.mark.parametrize(
    ("fields", "accept"),
    [
        # orjson writes no integer beyond 64 bits
        ({"extra_config": {"proxy": {"static": {"data": {"n": 2**70}}}}}, ""),
        # a key that is no XML element name
        ({"output_encoding": "xml"}, ""),
        ({"output_encoding": "negotiate"}, "application/xml"),
    ],
)
def test_data_the_output_encoding_cannot_write_is_a_500(
    serve: Any,
    backend_url: str,
    client: Any,
    caplog: pytest.LogCaptureFixture,
    fields: dict[str, Any],
    accept: str,
) -> None:
    spaced = backend(backend_url, "/user/1", mapping={"name": "full name"})
    url = serve(service(endpoint("/odd", spaced, **fields)))
    reply = client.get(url + "/odd", headers={"Accept": accept} if accept else {})
    assert reply.status == 500
    assert reply.headers[COMPLETED] == "false"
    _no_aiohttp_traceback(caplog)


def _modifiers(**factories: Any) -> PluginRegistry:
    registry = PluginRegistry()
    for name, factory in factories.items():
        registry.response_modifier[name] = factory
    return registry


def _modified(backend_url: str, name: str) -> dict[str, Any]:
    options = {"plugin/req-resp-modifier": {"name": [name]}}
    return service(endpoint("/m", backend(backend_url, "/user/1"), extra_config=options))


def test_headers_a_response_modifier_sets_reach_the_client(
    serve_with: Any, backend_url: str, client: Any
) -> None:
    def factory(_config: dict) -> Any:
        def modify(response: Any) -> None:
            response.headers["X-Stamp"] = ["yes"]

        return modify

    url = serve_with(_modified(backend_url, "stamp"), _modifiers(stamp=factory))
    reply = client.get(url + "/m")
    assert reply.status == 200
    assert reply.headers["X-Stamp"] == "yes"


@pytest.mark.parametrize(("status", "expected"), [(42, 500), ("teapot", 500), (418, 418)])
def test_plugin_error_status_outside_http_is_a_500(
    serve_with: Any,
    backend_url: str,
    client: Any,
    caplog: pytest.LogCaptureFixture,
    status: Any,
    expected: int,
) -> None:
    def factory(_config: dict) -> Any:
        def modify(_response: Any) -> None:
            raise PluginError("no", status)

        return modify

    url = serve_with(_modified(backend_url, "reject"), _modifiers(reject=factory))
    assert client.get(url + "/m").status == expected
    _no_aiohttp_traceback(caplog)


@pytest.mark.parametrize("value", [3, "a\r\nSet-Cookie: x=1"])
def test_headers_a_plugin_cannot_send_are_a_500(
    serve_with: Any, backend_url: str, client: Any, caplog: pytest.LogCaptureFixture, value: Any
) -> None:
    def factory(_config: dict) -> Any:
        def modify(response: Any) -> None:
            response.headers["X-Bad"] = [value]

        return modify

    url = serve_with(_modified(backend_url, "count"), _modifiers(count=factory))
    assert client.get(url + "/m").status == 500
    _no_aiohttp_traceback(caplog)


_BACKEND = backend("http://127.0.0.1:9", "/x")


@pytest.mark.parametrize(
    ("config", "where"),
    [
        (
            service(
                endpoint(
                    "/a", _BACKEND, extra_config={"proxy": {"static": {"data": {}, "strategy": []}}}
                )
            ),
            "extra_config.proxy.static.strategy",
        ),
        (
            service(endpoint("/a", _BACKEND), extra_config={"router": {"max_payload": "big"}}),
            "extra_config.router.max_payload",
        ),
        (
            service(endpoint("/a", _BACKEND), extra_config={"router": {"health_path": 5}}),
            "extra_config.router.health_path",
        ),
        (
            service(endpoint("/a", _BACKEND), extra_config={"router": {"health_path": "up"}}),
            "extra_config.router.health_path",
        ),
        (
            service(endpoint("/a", _BACKEND), extra_config={"plugin/http-server": "hello"}),
            "extra_config.plugin/http-server",
        ),
        (
            service(
                endpoint(
                    "/a",
                    backend(
                        "http://127.0.0.1:9",
                        "/x",
                        extra_config={"plugin/http-client": {"names": "fixture"}},
                    ),
                )
            ),
            "plugin/http-client.name",
        ),
        (
            service(
                endpoint(
                    "/a", _BACKEND, extra_config={"plugin/req-resp-modifier": {"name": {"x": 1}}}
                )
            ),
            "plugin/req-resp-modifier.name",
        ),
        (
            service(
                endpoint(
                    "/a",
                    backend(
                        "http://127.0.0.1:9",
                        "/x",
                        extra_config={
                            "proxy": {"flatmap_filter": [{"type": "move", "args": ["a", ""]}]}
                        },
                    ),
                )
            ),
            "flatmap_filter[0].args",
        ),
    ],
)
def test_bad_core_namespaces_are_config_errors(
    tmp_path: Path, config: dict[str, Any], where: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, config)
    assert where in str(caught.value)


def _raising_factory(*_args: Any) -> Any:
    raise RuntimeError("plugin misconfigured")


def test_plugin_factories_raising_leave_the_gateway_serving(
    serve_with: Any, backend_url: str, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    registry = PluginRegistry()
    registry.client["broken-client"] = _raising_factory
    registry.request_modifier["broken-modifier"] = _raising_factory
    config = service(
        endpoint(
            "/m",
            backend(
                backend_url,
                "/user/1",
                extra_config={"plugin/http-client": {"name": "broken-client"}},
            ),
            extra_config={"plugin/req-resp-modifier": {"name": ["broken-modifier"]}},
        )
    )
    url = serve_with(config, registry)
    assert client.get(url + "/m").json()["name"] == "Ann"
    assert "broken-client" in caplog.text and "plugin misconfigured" in caplog.text
    assert "broken-modifier" in caplog.text


def _server_plugin(error: Exception) -> PluginRegistry:
    def factory(_config: dict, _next: Any) -> Any:
        async def handle(_request: web.Request) -> web.StreamResponse:
            raise error

        return handle

    registry = PluginRegistry()
    registry.server["guard"] = factory
    return registry


@pytest.mark.parametrize(
    ("error", "status"), [(PluginError("go away", 403), 403), (RuntimeError("bug"), 500)]
)
def test_server_plugin_errors_answer_without_traceback(
    serve_with: Any,
    backend_url: str,
    client: Any,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    status: int,
) -> None:
    config = service(
        endpoint("/a", backend(backend_url, "/user/1")),
        extra_config={"plugin/http-server": {"name": "guard"}},
    )
    url = serve_with(config, _server_plugin(error))
    reply = client.get(url + "/a")
    assert reply.status == status
    assert reply.body == b""
    assert str(error) in caplog.text
    _no_aiohttp_traceback(caplog)
