"""``security/bot-detector`` is read once at start-up: errors and warnings name the field."""

from __future__ import annotations

import pytest
from propylon.sdk.testing import ConfigErrors, check_config, load_config
from propylon_bot_detector import module as bot_detector
from propylon_bot_detector.options import DETECTOR

BACKEND = [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]
AT = "extra_config.security/bot-detector"


def service(options: object) -> dict:
    return {
        "extra_config": {"security/bot-detector": options},
        "endpoints": [{"endpoint": "/a", "backend": BACKEND}],
    }


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"allow": ["c", {}]}, "allow[1]", "expected a string"),
        ({"patterns": ["ok", "("]}, "patterns[1]", "invalid regular expression '('"),
        ({"cache_size": -1}, "cache_size", "must be at least 0, got -1"),
        ({"cache_size": "ten"}, "cache_size", "expected an integer"),
        ({"empty_user_agent_is_bot": "yes"}, "empty_user_agent_is_bot", "expected true or false"),
    ],
)
def test_service_level_errors_name_the_field(options, field, reason):
    with pytest.raises(ConfigErrors) as caught:
        load_config(service(options), [bot_detector])
    (problem,) = caught.value.problems
    assert problem.where == f"{AT}.{field}"
    assert reason in problem.message


@pytest.mark.parametrize(
    ("options", "field", "read_as"),
    [
        ({"deny": "a"}, "deny", "read as the list"),
        ({"cache_size": "10"}, "cache_size", "read as the integer 10"),
        ({"empty_user_agent_is_bot": 1}, "empty_user_agent_is_bot", "read as true"),
        ({"pattern": ["bot"]}, "pattern", "unknown field ignored"),
    ],
)
def test_what_krakend_accepts_is_read_with_a_warning(options, field, read_as):
    problems = check_config(service(options), [bot_detector])
    assert not problems.errors
    (warning,) = problems.warnings
    assert warning.where == f"{AT}.{field}"
    assert read_as in warning.message


def test_endpoint_level_errors_name_the_endpoint():
    endpoint = {
        "endpoint": "/a",
        "extra_config": {"security/bot-detector": {"patterns": ["[z-a]"]}},
        "backend": BACKEND,
    }
    with pytest.raises(ConfigErrors) as caught:
        load_config({"endpoints": [endpoint]}, [bot_detector])
    (problem,) = caught.value.problems
    assert problem.where == "endpoints[0] (GET /a).extra_config.security/bot-detector.patterns[0]"


def test_backend_level_is_ignored_with_a_warning():
    backend = {**BACKEND[0], "extra_config": {"security/bot-detector": {"deny": ["a"]}}}
    config = {"endpoints": [{"endpoint": "/a", "backend": [backend]}]}
    problems = check_config(config, [bot_detector])
    (warning,) = problems.warnings
    assert warning.where.endswith("backend[0].extra_config.security/bot-detector")
    assert warning.message == "read only at the endpoint or service level: ignored"


def test_patterns_are_compiled_once_when_the_configuration_is_read():
    with pytest.raises(ConfigErrors) as caught:  # enforcing: no gateway without the module
        load_config(service({"patterns": ["(?i)crawler", "^curl/"]}))
    assert "'bot-detector'" in str(caught.value)
    service_config = load_config(service({"patterns": ["(?i)crawler", "^curl/"]}), [bot_detector])
    options = DETECTOR.of(service_config)
    assert options is not None
    assert [p.pattern for p in options.compiled] == ["(?i)crawler", "^curl/"]
    assert options.compiled[0].search("SomeCRAWLER/1")
