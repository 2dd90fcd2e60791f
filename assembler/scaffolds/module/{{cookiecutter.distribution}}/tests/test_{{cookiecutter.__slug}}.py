"""The module stamps the endpoints that configure it, and its options are checked at start-up."""

from __future__ import annotations

import pytest
from propylon.sdk.testing import (
    ConfigErrors,
    RecordingBackend,
    Servers,
    build_gateway,
    check_config,
    load_config,
    send,
)

from {{ cookiecutter.package }} import module

STAMPED = "endpoints[0] (GET /stamped).extra_config.{{ cookiecutter.namespace }}"


def test_stamps_configured_endpoints_only(
    servers: Servers, backend: RecordingBackend, config
) -> None:
    service = load_config(config(servers.start(backend.app()), {"value": "tested"}), [module])
    gateway = servers.start(build_gateway(service, [module]))
    stamped = send("GET", gateway + "/stamped")
    assert stamped.headers["X-Hello"] == "tested"  # handler layer
    assert stamped.json() == {"ok": True, "hello": "tested"}  # proxy layer
    plain = send("GET", gateway + "/plain")
    assert "X-Hello" not in plain.headers
    assert plain.json() == {"ok": True}
    assert backend.hits == 2


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
