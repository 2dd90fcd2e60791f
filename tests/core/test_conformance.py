"""KrakenD CE's black-box integration suite (shared/conformance) against a real gateway process.

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
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO.parent / "shared" / "conformance" / "runner.py"
# The specs the core alone must pass (the others need modules: cors, jwt, lua, cel, ...).
REQUIRED = (
    "backend_*",
    "collection",
    "detail_error",
    "flatmap_1",
    "integration_*",
    "negotitate_*",
    "no-op_*",
    "param_forwarding_*",
    "query_forwarding_*",
    "router_404",
    "router_405",
    "router_redirect",
    "sequential_1",
    "sequential_2",
    "static",
    "timeout",
    "xml_*",
)
REQUIRED_COUNT = 31

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
    only = [arg for pattern in REQUIRED for arg in ("--only", pattern)]
    args = ["--gateway-cmd", gateway_cmd, "--keep-going", "--json-report", str(out), *only]
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


def test_required_specs_pass(report: dict) -> None:
    results = {r["name"]: r for r in report["results"]}
    required = sorted(n for n in results if any(fnmatchcase(n, p) for p in REQUIRED))
    assert len(required) == REQUIRED_COUNT, required
    failing = {n: results[n]["reason"] for n in required if results[n]["status"] != "PASS"}
    assert not failing, failing
    assert report["summary"]["passed"] == REQUIRED_COUNT
