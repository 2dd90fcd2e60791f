"""``security/http`` is read once at start-up: errors and warnings name the field."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from propylon.sdk.testing import ConfigErrors, check_config, load_config
from propylon_http_secure import module

ENDPOINT = {"endpoint": "/a", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]}
AT = "extra_config.security/http"


def service(options: object) -> dict:
    return {"extra_config": {"security/http": options}, "endpoints": [ENDPOINT]}


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"sts_seconds": "a year"}, "sts_seconds", "expected an integer"),
        ({"sts_seconds": -1}, "sts_seconds", "must be between 0 and"),
        ({"allowed_hosts": ["a", {}]}, "allowed_hosts[1]", "expected a string"),
        (
            {"allowed_hosts": ["ok", "(unclosed"], "allowed_hosts_are_regex": True},
            "allowed_hosts[1]",
            "invalid regular expression",
        ),
        ({"ssl_proxy_headers": ["X-Forwarded-Proto"]}, "ssl_proxy_headers", "expected an object"),
        (
            {"ssl_proxy_headers": {"X-Forwarded-Proto": ["https"]}},
            "ssl_proxy_headers.X-Forwarded-Proto",
            "expected a string",
        ),
        ({"frame_deny": "yes"}, "frame_deny", "expected true or false"),
        (
            {"custom_frame_options_value": "DENY\r\nX-Evil: 1"},
            "custom_frame_options_value",
            "cannot be sent in a header",
        ),
        ({"ssl_host": "secure.example.com/path"}, "ssl_host", "must be a host name"),
    ],
)
def test_invalid_fields_are_named(options, field, reason):
    with pytest.raises(ConfigErrors) as caught:
        load_config(service(options), [module])
    (problem,) = caught.value.problems
    assert problem.where == f"{AT}.{field}"
    assert reason in problem.message


def test_regular_expressions_are_checked_only_as_such():
    problems = check_config(service({"allowed_hosts": ["(unclosed"]}), [module])
    assert not problems.errors and not problems.warnings


@pytest.mark.parametrize(
    ("options", "field", "read_as"),
    [
        ({"allowed_hosts": "api.example.com"}, "allowed_hosts", "read as the list"),
        ({"frame_deny": "true"}, "frame_deny", "read as true"),
        ({"sts_seconds": "600"}, "sts_seconds", "read as the integer"),
        ({"hpkp_public_key": 'pin-sha256="x"'}, "hpkp_public_key", "unknown field ignored"),
    ],
)
def test_what_krakend_accepts_is_read_with_a_warning(options, field, read_as):
    problems = check_config(service(options), [module])
    assert not problems.errors
    (warning,) = problems.warnings
    assert warning.where == f"{AT}.{field}"
    assert read_as in warning.message


def test_endpoint_level_is_ignored_with_a_warning():
    endpoint = {**ENDPOINT, "extra_config": {"security/http": {"sts_seconds": "bad"}}}
    problems = check_config({"endpoints": [endpoint]}, [module])
    assert not problems.errors
    (warning,) = problems.warnings
    assert warning.where == f"endpoints[0] (GET /a).{AT}"
    assert warning.message == "read only at the service level: ignored"


def test_propylon_check_reports_the_field(tmp_path):
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps({"version": 3, **service({"sts_seconds": -5})}))
    done = subprocess.run(
        [sys.executable, "-m", "propylon", "check", "-c", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert f"{path}: {AT}.sts_seconds: must be between 0 and" in line
