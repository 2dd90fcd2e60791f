"""``propylon check``: every invalid file is refused with one line naming the file and the field;
every valid example is accepted."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from propylon.config import load_service

HERE = Path(__file__).resolve().parent
INVALID = HERE / "invalid"
VALID = HERE / "valid"
EXPECTED: dict[str, str] = tomllib.loads((INVALID / "expected.toml").read_text("utf-8"))["expected"]
REPO = HERE.parents[1]
CONFORMANCE_CONFIG = REPO.parent / "shared" / "conformance" / "fixtures" / "krakend.json"


def _check(path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "propylon", "check", "-c", str(path.relative_to(cwd))],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )


@pytest.fixture(scope="module")
def invalid_results() -> dict[str, subprocess.CompletedProcess[str]]:
    """``propylon check`` of every invalid file, one process each, run side by side."""
    with ThreadPoolExecutor(max_workers=max(4, os.cpu_count() or 1)) as pool:
        results = pool.map(lambda name: _check(INVALID / name, HERE), sorted(EXPECTED))
        return dict(zip(sorted(EXPECTED), results, strict=True))


def test_every_invalid_file_has_an_expectation() -> None:
    files = {p.name for p in INVALID.iterdir() if p.name != "expected.toml"}
    assert files == set(EXPECTED)
    assert len(files) >= 25
    assert {p.suffix for p in INVALID.iterdir()} >= {".json", ".yaml", ".toml"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_config_is_refused_in_one_line(
    name: str, invalid_results: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    result = invalid_results[name]
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    lines = output.strip().splitlines()
    errors = [line for line in lines if line.startswith("ERROR: ")]
    assert len(errors) == 1, output
    assert all(line.startswith(("ERROR: ", "WARNING: ")) for line in lines), output
    line = errors[0]
    assert line.startswith(f"ERROR: invalid/{name}: "), line
    assert EXPECTED[name] in line, line


def _valid_examples() -> list[Path]:
    return sorted(p for p in VALID.iterdir() if p.is_file())


@pytest.mark.parametrize("path", _valid_examples(), ids=lambda p: p.name)
def test_valid_example_checks_ok(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    result = _check(path, VALID)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"Syntax OK! {path.name}: ")
    with caplog.at_level(logging.WARNING, logger="propylon"):
        load_service(path)
    assert not caplog.records, [r.getMessage() for r in caplog.records]  # no ignored field


def _repo_examples() -> list[Path]:
    """Gateway configurations shipped in the repository's examples/ and editions/ folders."""
    return sorted(
        p
        for pattern in ("gateway*.json", "gateway*.yaml", "gateway*.yml", "gateway*.toml")
        for folder in ("examples", "editions")
        for p in (REPO / folder).glob(f"*/{pattern}")
    )


@pytest.mark.parametrize("path", _repo_examples(), ids=lambda p: str(p.relative_to(REPO)))
def test_repository_example_checks_ok(path: Path) -> None:
    result = _check(path, path.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"Syntax OK! {path.name}: ")


@pytest.mark.skipif(
    not CONFORMANCE_CONFIG.exists(), reason="shared/conformance is not beside the repo"
)
def test_conformance_config_checks_ok() -> None:
    """KrakenD CE's own integration configuration: namespaces of modules are not core errors."""
    folder = CONFORMANCE_CONFIG.parents[1]
    result = _check(CONFORMANCE_CONFIG, folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "Syntax OK! fixtures/krakend.json: 35 endpoints"
