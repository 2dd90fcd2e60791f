"""``security/cors`` is checked at start-up; errors name the namespace and the field."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from propylon.config import ConfigError
from propylon_cors import module as cors
from propylon_cors.headerset import HeaderSet
from propylon_cors.policy import canonical

ENDPOINT = {"endpoint": "/a", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]}


def service(options: object) -> dict:
    return {"extra_config": {"security/cors": options}, "endpoints": [ENDPOINT]}


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"allow_origins": "*"}, "allow_origins", "expected a list of strings"),
        ({"allow_methods": ["GET", 1]}, "allow_methods[1]", "expected a string"),
        ({"max_age": "12"}, "max_age", "invalid duration"),
        ({"max_age": 3600}, "max_age", "expected a duration string"),
        ({"allow_credentials": "yes"}, "allow_credentials", "expected true or false"),
        ({"options_success_status": 404}, "options_success_status", "must be a 2xx status"),
    ],
)
def test_invalid_fields_are_named(load_config, options, field, reason):
    with pytest.raises(ConfigError) as caught:
        load_config(service(options), [cors])
    message = str(caught.value)
    assert f"extra_config.security/cors.{field}" in message
    assert reason in message


def test_not_an_object(load_config):
    with pytest.raises(ConfigError, match=r"extra_config\.security/cors: expected an object"):
        load_config(service(["*"]), [cors])


def test_endpoint_level_cors_is_ignored(load_config):
    endpoint = {**ENDPOINT, "extra_config": {"security/cors": {"max_age": "bad"}}}
    load_config({"endpoints": [endpoint]}, [cors])


def test_propylon_check_reports_the_field(tmp_path):
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps({"version": 3, **service({"max_age": "soon"})}))
    done = subprocess.run(
        [sys.executable, "-m", "propylon", "check", "-c", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "extra_config.security/cors.max_age: invalid duration 'soon'" in done.stderr


def test_header_set_accepts_only_browser_form():
    allowed = HeaderSet(["Origin", "Content-Type", "Authorization"])
    assert allowed.accepts(["content-type,origin"])
    assert allowed.accepts(["authorization", "content-type"])  # split over two fields
    assert allowed.accepts(["", "authorization,,origin"])  # empty elements tolerated
    assert not allowed.accepts(["origin,content-type"])
    assert not allowed.accepts(["Origin"])
    assert not allowed.accepts(["origin,   content-type"])
    assert HeaderSet(["*"]).accepts(["Anything,At-All"])


def test_canonical_header_names():
    assert canonical("content-length") == "Content-Length"
    assert canonical("X-REQUEST-ID") == "X-Request-Id"
    assert canonical("bad header") == "bad header"
