"""Audited endpoints get their tag header and one audit line; others are left alone."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from acme_audit.module import module as audit
from propylon.sdk.testing import (
    ConfigErrors,
    RecordingBackend,
    Servers,
    build_gateway,
    check_config,
    load_config,
    send,
)


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


def audited_gateway(servers: Servers, audited: dict[str, Any]) -> tuple[str, RecordingBackend]:
    """A gateway with the module, ``/orders/{id}`` audited with ``audited``, in front of an
    orders backend that records what reaches it; the gateway's base URL and the backend."""
    orders = RecordingBackend()
    service = load_config(config(servers.start(orders.app()), audited), [audit])
    return servers.start(build_gateway(service, [audit])), orders


def test_audited_endpoint_is_tagged_and_logged(servers: Servers, caplog) -> None:
    caplog.set_level(logging.INFO)
    url, orders = audited_gateway(servers, {"tag": "orders"})
    audited, plain = send("GET", url + "/orders/7"), send("GET", url + "/plain/7")
    assert audited.status == 200 and audited.json() == {"ok": True}
    assert audited.headers["X-Acme-Audit"] == "orders"
    assert plain.status == 200 and "X-Acme-Audit" not in plain.headers
    assert [r.path for r in orders.requests] == ["/orders/7", "/orders/7"]
    lines = [r.getMessage() for r in caplog.records if "audit tag=" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith("audit tag=orders method=GET path=/orders/7 status=200")


def test_header_is_configurable(servers: Servers) -> None:
    url, _ = audited_gateway(servers, {"tag": "t", "header": "X-Trail"})
    assert send("GET", url + "/orders/1").headers["X-Trail"] == "t"


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
