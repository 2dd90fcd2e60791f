"""Configurations KrakenD starts with: weak typing, unknown encodings read as JSON, a backend
without a host. They start here too, each leniency a warning naming the field, and
``check --lint`` refuses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Gateways, get
from tests.core.backend import new_backend

HERE = Path(__file__).resolve().parent
LENIENT = HERE / "lenient"
EXPECTED: dict[str, str] = tomllib.loads((LENIENT / "expected.toml").read_text("utf-8"))["expected"]


def _check(path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "propylon", "check", *flags, "-c", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )


def test_every_lenient_file_has_an_expectation() -> None:
    assert {p.name for p in LENIENT.iterdir() if p.name != "expected.toml"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lenient_file_checks_ok_with_one_warning_and_fails_lint(name: str) -> None:
    result = _check(LENIENT / name)
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith(f"WARNING: {name}: "), warnings[0]
    assert EXPECTED[name] in warnings[0], warnings[0]
    assert result.stdout.startswith(f"Syntax OK! {name}: ")

    linted = _check(LENIENT / name, "--lint")
    assert linted.returncode == 1, linted.stdout + linted.stderr
    assert linted.stderr.strip().splitlines() == warnings
    assert "Syntax OK" not in linted.stdout


def _lenient_service(backend: str) -> dict[str, Any]:
    def endpoint(path: str, **fields: Any) -> dict[str, Any]:
        return {"endpoint": path, **fields}

    return {
        "version": "3",
        "timeout": "3s",
        "port": 8080,
        "endpoints": [
            endpoint(
                "/weak",
                concurrent_calls="1",
                backend=[
                    {
                        "host": [backend],
                        "url_pattern": "/user/7",
                        "is_collection": "false",
                        "encoding": "fast-json",
                    }
                ],
            ),
            endpoint(
                "/form",
                concurrent_calls=True,
                backend=[{"host": backend, "url_pattern": "/user/7", "encoding": "form"}],
            ),
            endpoint(
                "/noop-underscore",
                backend=[{"host": [backend], "url_pattern": "/user/7", "encoding": "no_op"}],
            ),
            endpoint("/nohost", backend=[{"url_pattern": "/user/7"}]),
        ],
    }


def test_a_lenient_configuration_starts_and_serves(
    gateways: Gateways, servers: Any, tmp_path: Path
) -> None:
    config = _lenient_service(servers.start(new_backend()))
    gateway = gateways.start(config)
    log = gateway.log()
    for field in (
        'version: "3" read as the integer 3',
        'endpoints[0] (GET /weak).concurrent_calls: "1" read as the integer 1',
        "endpoints[1] (GET /form).concurrent_calls: true read as the integer 1",
        'endpoints[0] (GET /weak).backend[0].encoding: unknown encoding "fast-json"',
        'endpoints[1] (GET /form).backend[0].encoding: unknown encoding "form"',
        'endpoints[2] (GET /noop-underscore).backend[0].encoding: unknown encoding "no_op"',
        "endpoints[3] (GET /nohost).backend[0].host: no host for this backend",
        'endpoints[0] (GET /weak).backend[0].is_collection: "false" read as false',
        'endpoints[1] (GET /form).backend[0].host: "http://',
    ):
        assert field in log, log
    for path in ("/weak", "/form", "/noop-underscore"):
        reply = get(gateway.url + path)
        assert reply.status == 200, (path, reply.body)
        assert reply.json()["name"] == "Ann"
    failed = get(gateway.url + "/nohost")
    assert failed.status == 500
    assert gateway.alive()

    path = tmp_path / "lenient.json"
    path.write_text(json.dumps(config), "utf-8")
    assert _check(path).returncode == 0
    linted = _check(path, "--lint")
    assert linted.returncode == 1
    assert len(linted.stderr.strip().splitlines()) == 9, linted.stderr


def test_check_prints_every_error_one_line_each(tmp_path: Path) -> None:
    config = {
        "version": 3,
        "port": 70000,
        "endpoints": [
            {"endpoint": "/a", "concurrent_calls": "many", "backend": [{"url_pattern": "/x"}]},
            {"endpoint": "b", "backend": [{"host": ["http://127.0.0.1:9"], "url_pattern": "/"}]},
        ],
    }
    path = tmp_path / "three.json"
    path.write_text(json.dumps(config), "utf-8")
    result = _check(path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ")]
    assert errors == [
        "ERROR: three.json: port: must be between 0 and 65535, got 70000",
        "ERROR: three.json: endpoints[0] (GET /a).concurrent_calls: expected an integer, got a "
        'string "many"',
    ]
