"""``security/bot-detector`` is checked at start-up; errors name the namespace and the field."""

from __future__ import annotations

import pytest
from propylon.config import ConfigError
from propylon_bot_detector import module as bot_detector

BACKEND = [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"deny": "a"}, "deny", "expected a list of strings"),
        ({"allow": ["c", 3]}, "allow[1]", "expected a string"),
        ({"patterns": ["ok", "("]}, "patterns[1]", "invalid regular expression '('"),
        ({"cache_size": -1}, "cache_size", "must be at least 0"),
        ({"cache_size": "10"}, "cache_size", "expected an integer"),
        ({"empty_user_agent_is_bot": 1}, "empty_user_agent_is_bot", "expected true or false"),
    ],
)
def test_service_level_errors_name_the_field(load_config, options, field, reason):
    config = {
        "extra_config": {"security/bot-detector": options},
        "endpoints": [{"endpoint": "/a", "backend": BACKEND}],
    }
    with pytest.raises(ConfigError) as caught:
        load_config(config, [bot_detector])
    assert f"extra_config.security/bot-detector.{field}: {reason}" in str(caught.value)


def test_endpoint_level_errors_name_the_endpoint(load_config):
    endpoint = {
        "endpoint": "/a",
        "extra_config": {"security/bot-detector": {"patterns": ["[z-a]"]}},
        "backend": BACKEND,
    }
    with pytest.raises(ConfigError) as caught:
        load_config({"endpoints": [endpoint]}, [bot_detector])
    message = str(caught.value)
    assert "endpoints[0] (GET /a).extra_config.security/bot-detector.patterns[0]" in message
