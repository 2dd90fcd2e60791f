"""``auth/client-credentials`` is read once at start-up: each problem names its field."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from propylon.sdk.testing import ConfigErrors, check_config, load_config
from propylon_client_credentials import module

AT = "extra_config.auth/client-credentials"
VALID = {"client_id": "gw", "client_secret": "s3cr3t", "token_url": "https://auth.example/t"}


def service(options: object) -> dict:
    backend = {
        "host": ["http://127.0.0.1:1"],
        "url_pattern": "/",
        "extra_config": {"auth/client-credentials": options},
    }
    return {"endpoints": [{"endpoint": "/a", "backend": [backend]}]}


@pytest.mark.parametrize(
    ("options", "field", "reason"),
    [
        ({"client_id": None}, "client_id", "is required"),
        ({"client_secret": None}, "client_secret", "is required"),
        ({"token_url": None}, "token_url", "is required"),
        ({"token_url": "auth.example/token"}, "token_url", "must be an http(s) URL"),
        ({"token_url": "ftp://auth.example/token"}, "token_url", "must be an http(s) URL"),
        ({"scopes": ["a", "b"]}, "scopes", "expected a string"),
        ({"client_secret": 12345}, "client_secret", "expected a string"),
        ({"endpoint_params": ["x"]}, "endpoint_params", "expected an object of lists"),
        ({"endpoint_params": {"a": [{}]}}, "endpoint_params.a", "expected a list of strings"),
        ({"endpoint_params": {"a": "b"}}, "endpoint_params.a", "expected a list of strings"),
        ({"endpoint_params": {"scope": ["x"]}}, "endpoint_params.scope", "cannot overwrite"),
        ({"is_disabled": "maybe"}, "is_disabled", "expected true or false"),
    ],
)
def test_invalid_fields_are_named(options, field, reason):
    document = {k: v for k, v in {**VALID, **options}.items() if v is not None}
    with pytest.raises(ConfigErrors) as caught:
        load_config(service(document), [module])
    (problem,) = caught.value.problems
    assert problem.where.endswith(f"backend[0].{AT}.{field}")
    assert reason in problem.message


@pytest.mark.parametrize(
    "options",
    [
        {"client_secret": 20240601, "token_url": "nowhere"},
        {"endpoint_params": {"client_secret": "20240601"}},
        {"endpoint_params": {"client_secret": [20240601]}},
    ],
)
def test_a_secret_is_never_quoted_in_a_problem(options):
    problems = check_config(service({**VALID, **options}), [module])
    assert problems.errors
    shown = " ".join(f"{p.where} {p.message}" for p in [*problems.errors, *problems.warnings])
    assert "20240601" not in shown


def test_endpoint_level_is_ignored_with_a_warning():
    document = service(VALID)
    endpoint = document["endpoints"][0]
    endpoint["extra_config"] = endpoint["backend"][0].pop("extra_config")
    problems = check_config(document, [module])
    assert not problems.errors
    (warning,) = problems.warnings
    assert warning.where.endswith(f"(GET /a).{AT}")
    assert "ignored" in warning.message


def test_propylon_check_reports_the_field(tmp_path):
    path = tmp_path / "gateway.json"
    document = {"version": 3, **service({**VALID, "token_url": "nowhere"})}
    path.write_text(json.dumps(document))
    done = subprocess.run(
        [sys.executable, "-m", "propylon", "check", "-c", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert f"{path}: " in line
    assert f"{AT}.token_url: must be an http(s) URL, got 'nowhere'" in line
