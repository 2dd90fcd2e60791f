"""The module stamps the endpoints that configure it, and its options are checked at start-up."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from propylon.sdk.testing import ConfigErrors, build_gateway, check_config, load_config

from {{ cookiecutter.package }} import module

STAMPED = "endpoints[0] (GET /stamped).extra_config.{{ cookiecutter.namespace }}"


async def _stamps_configured_endpoints_only(backend: web.Application, config) -> None:
    async with TestServer(backend) as backend_server:
        url = str(backend_server.make_url("")).rstrip("/")
        service = load_config(config(url, {"value": "tested"}), [module])
        async with TestClient(TestServer(build_gateway(service, [module]))) as client:
            stamped = await client.get("/stamped")
            assert stamped.headers["X-Hello"] == "tested"  # handler layer
            assert await stamped.json() == {"ok": True, "hello": "tested"}  # proxy layer
            plain = await client.get("/plain")
            assert "X-Hello" not in plain.headers
            assert await plain.json() == {"ok": True}


def test_stamps_configured_endpoints_only(backend, config) -> None:
    asyncio.run(_stamps_configured_endpoints_only(backend, config))


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"header": ""}, "header", "expected a non-empty string"),
        ({"value": ["a", "b"]}, "value", "expected a string"),
    ],
)
def test_bad_options_name_the_field(config, options, field, reason) -> None:
    with pytest.raises(ConfigErrors) as caught:
        load_config(config("http://127.0.0.1:1", options), [module])
    (problem,) = caught.value.problems
    assert problem.where == f"{STAMPED}.{field}"
    assert problem.message.startswith(reason)


def test_unknown_fields_are_warned_about(config) -> None:
    problems = check_config(config("http://127.0.0.1:1", {"colour": "red"}), [module])
    assert not problems.errors
    (warning,) = problems.warnings
    assert (warning.where, warning.message) == (f"{STAMPED}.colour", "unknown field ignored")


def test_service_level_is_ignored_with_a_warning(config) -> None:
    document = config("http://127.0.0.1:1", {})
    document["extra_config"] = {"{{ cookiecutter.namespace }}": {"value": "x"}}
    (warning,) = check_config(document, [module]).warnings
    assert warning.where == "extra_config.{{ cookiecutter.namespace }}"
    assert warning.message == "read only at the endpoint level: ignored"
