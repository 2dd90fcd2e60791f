"""Fail closed: a namespace that enforces something and that no module of the edition handles
stops ``check`` and ``run``, naming the module to add; other unhandled namespaces warn."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from propylon.cli.app import build_cli
from propylon.modules import Module, installed_modules
from typer.testing import CliRunner

from tests.conftest import Gateways

BACKEND = {"host": ["http://127.0.0.1:9"], "url_pattern": "/a"}


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """The CLI configures the root logger; later tests find it as it was."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]


def _config(**extra: Any) -> dict[str, Any]:
    endpoint_extra = {k: v for k, v in extra.items() if k != "service"}
    return {
        "version": 3,
        "extra_config": extra.get("service", {}),
        "endpoints": [{"endpoint": "/a", "extra_config": endpoint_extra, "backend": [BACKEND]}],
    }


def _cli(args: list[str], modules: Sequence[Module], path: Path) -> tuple[int, list[str]]:
    app = build_cli(modules=lambda: list(modules))
    result = CliRunner().invoke(app, [*args, "-c", str(path)])
    return result.exit_code, result.output.strip().splitlines()


def _write(tmp_path: Path, config: dict[str, Any]) -> Path:
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(config), "utf-8")
    return path


ENFORCING = [
    (
        "auth/validator",
        {"alg": "RS256", "jwk_url": "https://127.0.0.1/jwk"},
        "'jwt' (propylon-jwt)",
    ),
    ("qos/ratelimit/router", {"max_rate": 2}, "'ratelimit' (propylon-ratelimit)"),
    ("validation/json-schema", {"type": "object"}, "'json-schema' (propylon-json-schema)"),
    ("auth/api-keys", {"keys": []}, "a KrakenD Enterprise namespace, which no Propylon module"),
]


@pytest.mark.parametrize(
    ("namespace", "options", "remedy"), ENFORCING, ids=[e[0] for e in ENFORCING]
)
def test_an_unhandled_enforcing_namespace_stops_check_and_run(
    tmp_path: Path, namespace: str, options: dict[str, Any], remedy: str
) -> None:
    path = _write(tmp_path, _config(**{namespace: options}))
    for command in (["check"], ["run", "-w", "1", "-p", "0"]):
        code, lines = _cli(command, [], path)
        assert code == 1, (command, lines)
        errors = [line for line in lines if line.startswith("ERROR: ")]
        assert len(errors) == 1, lines
        assert f"namespace '{namespace}' (used at endpoints[0] (GET /a))" in errors[0]
        assert remedy in errors[0], errors[0]


def test_the_same_namespace_passes_with_the_module_that_provides_it(tmp_path: Path) -> None:
    jwt = [m for m in installed_modules() if m.name == "jwt"]
    assert jwt, "the jwt module is part of the development environment"
    config = _config(**{"auth/validator": {"alg": "RS256", "jwk_url": "https://127.0.0.1/jwk"}})
    code, lines = _cli(["check"], jwt, _write(tmp_path, config))
    assert code == 0, lines
    assert lines[-1].startswith("Syntax OK!")


def test_a_tls_block_it_cannot_serve_stops_check_and_run(tmp_path: Path) -> None:
    missing = str(tmp_path / "cert.pem")
    config = {**_config(), "tls": {"public_key": missing, "private_key": "key.pem"}}
    path = _write(tmp_path, config)
    for command in (["check"], ["run", "-w", "1", "-p", "0"]):
        code, lines = _cli(command, [], path)
        assert code == 1, lines
        assert len(lines) == 1, lines
        assert "tls.public_key: cannot read" in lines[0] and missing in lines[0]
    disabled = {**_config(), "tls": {"disabled": True, "public_key": "cert.pem"}}
    assert _cli(["check"], [], _write(tmp_path, disabled))[0] == 0


def test_a_non_enforcing_namespace_is_a_warning_from_check_and_run(
    tmp_path: Path, gateways: Gateways
) -> None:
    config = _config(service={"telemetry/newrelic": {"license": "x"}})
    code, lines = _cli(["check"], [], _write(tmp_path, config))
    assert code == 0, lines
    assert len(lines) == 2, lines
    assert lines[0].startswith("WARNING: ")
    assert "namespace 'telemetry/newrelic' (used at the service) is not handled" in lines[0]

    gateway = gateways.start(config)
    assert "namespace 'telemetry/newrelic' (used at the service) is not handled" in gateway.log()
