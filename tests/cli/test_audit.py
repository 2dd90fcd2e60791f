"""``propylon audit`` names risky settings, filters by severity and can fail a pipeline."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import PYTHON

RISKY = {
    "version": 3,
    "debug_endpoint": True,
    "extra_config": {"router": {"return_error_msg": True}, "security/cors": {}},
    "endpoints": [
        {
            "endpoint": "/users",
            "input_headers": ["*"],
            "backend": [{"host": ["http://users.internal.example"], "url_pattern": "/users"}],
        }
    ],
}


def _audit(tmp_path: Path, config: dict, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    command = [PYTHON, "-m", "propylon", "audit", "-c", str(path), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_findings_most_severe_first(tmp_path: Path) -> None:
    result = _audit(tmp_path, RISKY)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[HIGH] 1.1.1 debug_endpoint:")
    assert any(
        line.startswith("[MEDIUM] 2.1.1 endpoints[0] (GET /users).input_headers") for line in lines
    )
    assert any("http://users.internal.example is reached without TLS" in line for line in lines)
    assert not any("3.1.1" in line for line in lines)  # CORS is configured
    assert lines[-1] == f"{len(lines) - 1} recommendations"


def test_severity_floor_ignore_and_fail_on(tmp_path: Path) -> None:
    result = _audit(tmp_path, RISKY, "--severity", "MEDIUM", "-i", "2.2.1", "--fail-on", "HIGH")
    assert result.returncode == 1
    rules = [line.split()[1] for line in result.stdout.splitlines()[:-1]]
    assert rules == ["1.1.1", "2.1.1"]


def test_unknown_severity_is_a_clear_error(tmp_path: Path) -> None:
    result = _audit(tmp_path, RISKY, "--severity", "URGENT")
    assert result.returncode == 1
    assert "unknown severity 'URGENT'" in result.stderr
    assert "Traceback" not in result.stderr
