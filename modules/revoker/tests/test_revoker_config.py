"""``auth/revoker`` configuration problems, each named by ``check`` with its field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from propylon.sdk.testing import check_config, free_port, load_config
from propylon_revoker.module import module
from revoker_support import SECRET_ENV, revoker


def problems(options: dict[str, Any]) -> list[str]:
    found = check_config({"extra_config": {"auth/revoker": options}, "endpoints": []}, [module])
    return [str(p) for p in found.errors]


def one_error(options: dict[str, Any]) -> str:
    (error,) = problems(options)
    return error


def test_a_complete_configuration_is_read(secret: str) -> None:
    service = load_config({"extra_config": {"auth/revoker": revoker()}, "endpoints": []}, [module])
    options = service.options["auth/revoker"]
    assert (options.n, options.p, options.ttl, options.token_keys) == (
        10000,
        1e-7,
        300,
        ("jti", "sub"),
    )


def test_krakend_s_fields_are_required(secret: str) -> None:
    found = problems({})
    for field in ("N", "P", "hash_name", "TTL", "port", "token_keys"):
        assert any(f"auth/revoker.{field}" in e and "required" in e for e in found), found


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"P": 0}, "P"),
        ({"P": 1.5}, "P"),
        ({"N": 0}, "N"),
        ({"N": 4_000_000_000, "P": 1e-9}, "N"),
        ({"hash_name": "md5"}, "hash_name"),
        ({"TTL": 0}, "TTL"),
        ({"port": 70000}, "port"),
        ({"token_keys": []}, "token_keys"),
        ({"token_keys": ["jti", ""]}, "token_keys"),
        ({"redis_url": "http://cache:6379"}, "redis_url"),
        ({"revoke_server_ping_url": "http://revoker:8081/instances"}, "revoke_server_ping_url"),
        ({"port": 0}, "port"),
    ],
)
def test_bad_values_are_named(secret: str, changes: dict[str, Any], field: str) -> None:
    assert f"auth/revoker.{field}" in one_error(revoker(**changes))


def test_the_interface_needs_a_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    error = one_error(revoker())
    assert "auth/revoker.secret_env" in error and SECRET_ENV in error
    monkeypatch.setenv(SECRET_ENV, "short")
    assert "shorter than 16" in one_error(revoker())
    missing = tmp_path / "none"
    assert "auth/revoker.secret_file" in one_error(revoker(secret_file=str(missing)))
    file = tmp_path / "secret"
    file.write_text("a-long-enough-secret-from-a-file\n")
    assert problems(revoker(secret_file=str(file))) == []
    # Without an interface, no secret is needed.
    assert problems(revoker(port=0, redis_url="redis://127.0.0.1:1/0")) == []


def test_the_secret_never_appears_in_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "tiny-secret")
    assert "tiny-secret" not in one_error(revoker())


def test_a_port_in_use_stops_run_in_one_line(tmp_path: Path, secret: str) -> None:
    import json
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "gateway.json"
        options = revoker(port=port)
        config.write_text(json.dumps({"version": 3, "extra_config": {"auth/revoker": options}}))
        run = subprocess.run(
            [sys.executable, "-m", "propylon", "run", "-c", str(config), "-p", str(free_port())],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == (
        f"ERROR: auth/revoker: cannot listen on 127.0.0.1:{port}: Address already in use"
    )
    assert "Traceback" not in run.stderr
