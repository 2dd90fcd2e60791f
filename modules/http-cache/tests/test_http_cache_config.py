"""``qos/http-cache`` is read once at start-up: problems name the field."""

from __future__ import annotations

import pytest
from propylon.sdk.testing import ConfigErrors, check_config, load_config
from propylon_http_cache import module
from propylon_http_cache.options import HttpCacheOptions, RedisOptions


def service(options: object, where: str = "backend") -> dict:
    backend = {"host": ["http://127.0.0.1:1"], "url_pattern": "/"}
    endpoint = {"endpoint": "/a", "backend": [backend]}
    (backend if where == "backend" else endpoint)["extra_config"] = {"qos/http-cache": options}
    return {"endpoints": [endpoint]}


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"shared": "maybe"}, "shared", "expected true or false"),
        ({"max_size": -1}, "max_size", "must be between 0 and"),
        ({"max_size": "16MB"}, "max_size", "expected an integer"),
        ({"max_items": -5}, "max_items", "must be between 0 and"),
        ({"redis": {}}, "redis.url", "required"),
        ({"redis": {"url": "http://cache:6379"}}, "redis.url", "redis://"),
        (
            {"redis": {"url": "redis://r:6379", "timeout": "0s"}},
            "redis.timeout",
            "between 1ms and 1m",
        ),
        (
            {"redis": {"url": "redis://r:6379", "timeout": "5m"}},
            "redis.timeout",
            "between 1ms and 1m",
        ),
        ({"redis": "redis://r:6379"}, "redis", ""),
    ],
)
def test_invalid_fields_are_named(options, field, reason) -> None:
    with pytest.raises(ConfigErrors) as caught:
        load_config(service(options), [module])
    (problem,) = caught.value.problems
    assert problem.where.endswith(f"qos/http-cache.{field}"), problem.where
    assert reason in problem.message, problem.message
    problems = check_config(service(options), [module])
    assert [p.where for p in problems.errors] == [problem.where]


def test_every_problem_is_reported() -> None:
    problems = check_config(service({"max_size": -1, "max_items": "many"}), [module])
    assert sorted(p.where.rsplit(".", 1)[1] for p in problems.errors) == ["max_items", "max_size"]


def test_krakend_options_are_read() -> None:
    options = {"shared": True, "max_size": 1000, "max_items": 10}
    backend = load_config(service(options), [module]).endpoints[0].backend[0]
    assert backend.options["qos/http-cache"] == HttpCacheOptions(True, 1000, 10)
    redis = {"url": "redis://cache:6379/1", "timeout": "100ms", "key_prefix": "gw:"}
    backend = load_config(service({"redis": redis}), [module]).endpoints[0].backend[0]
    assert backend.options["qos/http-cache"].redis == RedisOptions(
        "redis://cache:6379/1", 0.1, "gw:"
    )


def test_read_at_the_backend_only() -> None:
    problems = check_config(service({"shared": True}, where="endpoint"), [module])
    assert not problems.errors
    (warning,) = problems.warnings
    assert "qos/http-cache" in warning.where
    assert "ignored" in warning.message
