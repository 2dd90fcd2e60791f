"""Audited endpoints get their tag header and one audit line; others are left alone."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from acme_audit.module import module as audit
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from propylon.sdk.testing import ConfigErrors, build_gateway, check_config, load_config


def config(backend: str, audited: dict[str, Any]) -> dict[str, Any]:
    def endpoint(path: str, extra: dict[str, Any]) -> dict[str, Any]:
        return {
            "endpoint": path,
            "extra_config": extra,
            "backend": [{"host": [backend], "url_pattern": "/orders/{id}"}],
        }

    return {
        "endpoints": [
            endpoint("/orders/{id}", {"acme/audit": audited}),
            endpoint("/plain/{id}", {}),
        ]
    }


async def fetch(orders: web.Application, audited: dict[str, Any], *paths: str) -> list[Any]:
    async with TestServer(orders) as backend:
        service = load_config(config(str(backend.make_url("")).rstrip("/"), audited), [audit])
        async with TestClient(TestServer(build_gateway(service, [audit]))) as client:
            replies = [await client.get(path) for path in paths]
            return [(r.status, r.headers.copy(), await r.json()) for r in replies]


def test_audited_endpoint_is_tagged_and_logged(orders, caplog) -> None:
    caplog.set_level(logging.INFO)
    audited, plain = asyncio.run(fetch(orders, {"tag": "orders"}, "/orders/7", "/plain/7"))
    assert audited[0] == 200 and audited[2] == {"id": "7"}
    assert audited[1]["X-Acme-Audit"] == "orders"
    assert plain[0] == 200 and "X-Acme-Audit" not in plain[1]
    lines = [r.getMessage() for r in caplog.records if "audit tag=" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith("audit tag=orders method=GET path=/orders/7 status=200")


def test_header_is_configurable(orders) -> None:
    (reply,) = asyncio.run(fetch(orders, {"tag": "t", "header": "X-Trail"}, "/orders/1"))
    assert reply[1]["X-Trail"] == "t"


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({}, "tag", "is required"),
        ({"tag": ""}, "tag", "expected a non-empty string"),
        ({"tag": "a", "header": ""}, "header", "expected a non-empty string"),
        ({"tag": ["a"]}, "tag", "expected a string"),
    ],
)
def test_bad_options_are_named(options, field, reason) -> None:
    with pytest.raises(ConfigErrors) as caught:
        load_config(config("http://127.0.0.1:9", options), [audit])
    (problem,) = caught.value.problems
    assert problem.where == f"endpoints[0] (GET /orders/{{id}}).extra_config.acme/audit.{field}"
    assert problem.message.startswith(reason)


def test_service_level_is_ignored_with_a_warning() -> None:
    document = {**config("http://127.0.0.1:9", {"tag": "a"}), "extra_config": {"acme/audit": {}}}
    (warning,) = check_config(document, [audit]).warnings
    assert warning.where == "extra_config.acme/audit"
    assert warning.message == "read only at the endpoint level: ignored"
