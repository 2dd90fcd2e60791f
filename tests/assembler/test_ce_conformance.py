"""KrakenD CE's black-box integration suite (shared/conformance), unchanged, against the
Community Edition as a user gets it: assembled, installed into a new virtual environment from
its wheelhouse alone, and run through the edition's own command.

The runner binds fixed ports (8080 gateway, 8081 mock backend, 8090 metrics): this test holds
the same lock file as tests/core/test_conformance.py while the runner runs, so the two take
turns, even across test sessions.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.assembler.conftest import Built, install
from tests.core.test_conformance import EXPECTED_PASSED, LOCK, RUNNER

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not RUNNER.exists(), reason=f"conformance runner not found at {RUNNER}"),
    pytest.mark.fixed_ports,
    pytest.mark.xdist_group("fixed-ports"),
]


@pytest.fixture(scope="module")
def ce_command(ce_build: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``propylon-ce`` installed with ``pip install --no-index --find-links WHEELHOUSE``."""
    folder = tmp_path_factory.mktemp("ce-venv") / "venv"
    return install(ce_build, "propylon-ce", folder) / "propylon-ce"


@pytest.fixture(scope="module")
def report(ce_command: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("ce-conformance") / "report.json"
    gateway_cmd = f"{shlex.quote(str(ce_command))} run -d -c {{config}}"
    args = ["--gateway-cmd", gateway_cmd, "--keep-going", "--json-report", str(out)]
    with LOCK.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            result = subprocess.run(
                [sys.executable, str(RUNNER), *args],
                capture_output=True,
                text=True,
                timeout=180,
                env={**os.environ, "PROPYLON_COMPAT": "krakend/2.13.8"},
            )
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    assert out.exists(), result.stdout + result.stderr
    data: dict[str, Any] = json.loads(out.read_text("utf-8"))
    data["_output"] = result.stdout + result.stderr
    return data


def test_runner_started_the_edition(report: dict[str, Any]) -> None:
    assert report["fatal"] is None, report["_output"]


def test_every_spec_passes_on_the_edition(report: dict[str, Any]) -> None:
    failing = {
        r["name"]: r["reason"] for r in report["results"] if r["status"] in ("FAIL", "ERROR")
    }
    assert not failing, failing
    assert report["summary"]["passed"] == EXPECTED_PASSED, report["summary"]
    assert report["summary"]["failed"] == 0, report["summary"]
