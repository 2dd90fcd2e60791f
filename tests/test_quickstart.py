"""The README's first command: assemble the Community Edition and serve requests through it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_quickstart_assembles_and_serves(tmp_path: Path) -> None:
    env = {**os.environ, "OUT": str(tmp_path / "ce")}
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "quickstart.sh")],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    assert "propylon-ce 0.1.0" in out and "  cors " in out
    assert (
        '{"users":[{"id":1,"name":"Ada","role":"admin"},{"id":2,"name":"Linus","role":"dev"}]}'
        in out
    )
    assert '{"people":[{"id":1,"name":"Ada"},{"id":2,"name":"Linus"}]}' in out
    assert (tmp_path / "ce" / "propylon_ce-0.1.0-py3-none-any.whl").is_file()
