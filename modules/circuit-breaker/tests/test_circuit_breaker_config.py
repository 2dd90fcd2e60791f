"""``qos/circuit-breaker`` is read once at start-up: problems name the field."""

from __future__ import annotations

import pytest
from propylon.sdk.testing import ConfigErrors, check_config, load_config
from propylon_circuit_breaker import module
from propylon_circuit_breaker.options import CircuitBreakerOptions


def service(options: object, where: str = "backend") -> dict:
    backend = {"host": ["http://127.0.0.1:1"], "url_pattern": "/"}
    endpoint = {"endpoint": "/a", "backend": [backend]}
    (backend if where == "backend" else endpoint)["extra_config"] = {"qos/circuit-breaker": options}
    return {"endpoints": [endpoint]}


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"interval": "60s"}, "interval", "expected an integer"),
        ({"timeout": "10s"}, "timeout", "expected an integer"),
        ({"timeout": -1}, "timeout", "must be between 0 and 604800"),
        ({"interval": 10**9}, "interval", "must be between 0 and 604800"),
        ({"max_errors": -1}, "max_errors", "must be between 0 and"),
        ({"log_status_change": "yes"}, "log_status_change", "expected true or false"),
        ({"name": ["a"]}, "name", "expected a string"),
    ],
)
def test_invalid_fields_are_named(options, field, reason) -> None:
    with pytest.raises(ConfigErrors) as caught:
        load_config(service(options), [module])
    (problem,) = caught.value.problems
    assert problem.where.endswith(f"qos/circuit-breaker.{field}"), problem.where
    assert reason in problem.message
    problems = check_config(service(options), [module])
    assert [p.where for p in problems.errors] == [problem.where]


def test_every_problem_is_reported() -> None:
    problems = check_config(service({"interval": "1m", "max_errors": -2}), [module])
    assert sorted(p.where.rsplit(".", 1)[1] for p in problems.errors) == ["interval", "max_errors"]


def test_what_krakend_accepts_is_read_with_a_warning() -> None:
    problems = check_config(service({"max_errors": "5", "log_status_change": "true"}), [module])
    assert not problems.errors
    assert sorted(w.where.rsplit(".", 1)[1] for w in problems.warnings) == [
        "log_status_change",
        "max_errors",
    ]
    options = load_config(service({"max_errors": "5"}), [module]).endpoints[0].backend[0]
    assert options.options["qos/circuit-breaker"] == CircuitBreakerOptions(max_errors=5)


def test_read_at_the_backend_only() -> None:
    problems = check_config(service({"max_errors": 1}, where="endpoint"), [module])
    assert not problems.errors
    (warning,) = problems.warnings
    assert "qos/circuit-breaker" in warning.where
    assert "ignored" in warning.message


def test_full_options() -> None:
    options = {
        "interval": 60,
        "timeout": 10,
        "max_errors": 1,
        "name": "cb",
        "log_status_change": True,
    }
    backend = load_config(service(options), [module]).endpoints[0].backend[0]
    assert backend.options["qos/circuit-breaker"] == CircuitBreakerOptions(60, 10, 1, "cb", True)
