"""KrakenD CE's black-box integration suite (shared/conformance), unchanged, against a real
gateway process with every contributed module.

The runner binds fixed ports (8080 gateway, 8081 mock backend, 8090 metrics), so this test is
marked ``fixed_ports`` (and put in one xdist group), and holds a lock file while it runs so
two test sessions on this machine take turns.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO.parent / "shared" / "conformance" / "runner.py"
# Every spec that needs no internet (rss would make the gateway fetch showrss.info): the
# development environment has the core and every contributed module, as the Community Edition.
EXPECTED_PASSED = 58

pytestmark = [
    pytest.mark.skipif(not RUNNER.exists(), reason=f"conformance runner not found at {RUNNER}"),
    pytest.mark.fixed_ports,
    pytest.mark.xdist_group("fixed-ports"),
]
LOCK = Path("/tmp/propylon-conformance-ports.lock")


@pytest.fixture(scope="module")
def ports_lock() -> Iterator[None]:
    with LOCK.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, ports_lock: None) -> dict:
    out = tmp_path_factory.mktemp("conformance") / "report.json"
    gateway_cmd = f"{shlex.quote(sys.executable)} -m propylon run -d -c {{config}}"
    args = ["--gateway-cmd", gateway_cmd, "--keep-going", "--json-report", str(out)]
    result = subprocess.run(
        [sys.executable, str(RUNNER), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "PROPYLON_COMPAT": "krakend/2.13.8"},
    )
    assert out.exists(), result.stdout + result.stderr
    data = json.loads(out.read_text("utf-8"))
    data["_output"] = result.stdout + result.stderr
    return data


def test_runner_started_the_gateway(report: dict) -> None:
    assert report["fatal"] is None, report["_output"]


def test_every_spec_passes(report: dict) -> None:
    failing = {r["name"]: r["reason"] for r in report["results"] if r["status"] == "FAIL"}
    assert not failing, failing
    assert report["summary"]["passed"] == EXPECTED_PASSED, report["summary"]
