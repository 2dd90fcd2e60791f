"""``security/cors`` is read once at start-up: errors and warnings name the field."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from propylon.sdk.testing import ConfigErrors, check_config, load_config
from propylon_cors import module as cors
from propylon_cors.headerset import HeaderSet
from propylon_cors.policy import canonical

ENDPOINT = {"endpoint": "/a", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]}
AT = "extra_config.security/cors"


def service(options: object) -> dict:
    return {"extra_config": {"security/cors": options}, "endpoints": [ENDPOINT]}


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"allow_methods": ["GET", {}]}, "allow_methods[1]", "expected a string"),
        ({"max_age": "12"}, "max_age", "invalid duration"),
        ({"max_age": "-1s"}, "max_age", "must be at least 0"),
        ({"allow_credentials": "yes"}, "allow_credentials", "expected true or false"),
        ({"options_success_status": 404}, "options_success_status", "must be between 0 and 299"),
        ({"options_success_status": 101}, "options_success_status", "must be a 2xx status"),
    ],
)
def test_invalid_fields_are_named(options, field, reason):
    with pytest.raises(ConfigErrors) as caught:
        load_config(service(options), [cors])
    (problem,) = caught.value.problems
    assert problem.where == f"{AT}.{field}"
    assert reason in problem.message


@pytest.mark.parametrize(
    ("options", "field", "read_as"),
    [
        ({"allow_origins": "*"}, "allow_origins", "read as the list"),
        ({"allow_credentials": "true"}, "allow_credentials", "read as true"),
        ({"max_age": 3600}, "max_age", "nanoseconds"),
        ({"allow_origin": ["*"]}, "allow_origin", "unknown field ignored"),
    ],
)
def test_what_krakend_accepts_is_read_with_a_warning(options, field, read_as):
    problems = check_config(service(options), [cors])
    assert not problems.errors
    (warning,) = problems.warnings
    assert warning.where == f"{AT}.{field}"
    assert read_as in warning.message


def test_every_problem_is_reported():
    with pytest.raises(ConfigErrors) as caught:
        load_config(service({"max_age": "soon", "debug": "maybe"}), [cors])
    assert [p.where for p in caught.value.problems] == [f"{AT}.max_age", f"{AT}.debug"]


def test_not_an_object():
    with pytest.raises(ConfigErrors, match=r"extra_config\.security/cors: expected an object"):
        load_config(service(["*"]), [cors])


def test_endpoint_level_cors_is_ignored_with_a_warning():
    endpoint = {**ENDPOINT, "extra_config": {"security/cors": {"max_age": "bad"}}}
    problems = check_config({"endpoints": [endpoint]}, [cors])
    assert not problems.errors
    (warning,) = problems.warnings
    assert warning.where == "endpoints[0] (GET /a).extra_config.security/cors"
    assert warning.message == "read only at the service level: ignored"


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
    (line,) = done.stderr.splitlines()
    assert f"{path}: {AT}.max_age: invalid duration" in line
    assert "soon" in line


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
