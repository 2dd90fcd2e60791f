"""The example plugins at work in a real gateway process, one of each kind, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web

from tests.conftest import REPO, get

EXAMPLES = REPO / "examples" / "plugins"


def _echo_backend() -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"path": request.path, "x_added": request.headers.get("X-Added")})

    app = web.Application()
    app.router.add_get("/{tail:.*}", echo)
    return app


def _config(backend: str) -> dict[str, Any]:
    return {
        "version": 3,
        "plugin": {"folder": str(EXAMPLES), "pattern": ".py"},
        "extra_config": {
            "plugin/http-server": {
                "name": ["hello", "rewrite"],
                "hello": {"path": "/__hello", "greeting": "hi"},
                "rewrite": {"prefixes": {"/v1/": "/"}},
            }
        },
        "endpoints": [
            {"endpoint": "/direct", "backend": [{"host": [backend], "url_pattern": "/direct"}]},
            {
                "endpoint": "/stubbed",
                "backend": [
                    {
                        "host": ["http://127.0.0.1:9"],
                        "url_pattern": "/never-called",
                        "extra_config": {
                            "plugin/http-client": {
                                "name": "fixture",
                                "fixture": {"data": {"stub": True}},
                            }
                        },
                    }
                ],
            },
            {
                "endpoint": "/modified",
                "input_query_strings": ["key"],
                "extra_config": {
                    "plugin/req-resp-modifier": {
                        "name": ["require-query", "stamp"],
                        "stamp": {"field": "stamped", "value": "yes"},
                    }
                },
                "backend": [
                    {
                        "host": [backend],
                        "url_pattern": "/modified",
                        "extra_config": {
                            "plugin/req-resp-modifier": {
                                "name": ["add-headers"],
                                "add-headers": {"headers": {"X-Added": "by-plugin"}},
                            }
                        },
                    }
                ],
            },
        ],
    }


@pytest.fixture
def gateway(servers, gateways):
    return gateways.start(_config(servers.start(_echo_backend())))


def test_router_plugin_answers_before_the_pipeline(gateway) -> None:
    reply = get(gateway.url + "/__hello")
    assert reply.status == 200
    assert reply.json() == {"message": "hi"}


def test_router_plugin_rewrites_before_routing(gateway) -> None:
    reply = get(gateway.url + "/v1/direct")
    assert reply.status == 200
    assert reply.json() == {"path": "/direct", "x_added": None}


def test_proxy_plugin_replaces_the_backend_call(gateway) -> None:
    reply = get(gateway.url + "/stubbed")
    assert reply.status == 200
    assert reply.json() == {"stub": True, "requested": "GET http://127.0.0.1:9/never-called"}


def test_modifiers_change_request_and_response(gateway) -> None:
    reply = get(gateway.url + "/modified?key=1")
    assert reply.status == 200
    assert reply.json() == {"path": "/modified", "x_added": "by-plugin", "stamped": "yes"}


def test_modifier_rejects_with_its_status(gateway) -> None:
    reply = get(gateway.url + "/modified")
    assert reply.status == 400
    assert "missing query parameter" in gateway.log()
