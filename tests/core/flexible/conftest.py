"""The Go oracle: KrakenD's renderer (text/template, Sprig, marshal, include), built once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ORACLE_SOURCE = Path(__file__).parent / "oracle"
GOPATH = "/usr/share/gocode"


class Oracle:
    """One Go process; requests and answers as JSON lines."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary

    def render_many(self, requests: list[dict[str, Any]], env: dict[str, str]) -> list[dict]:
        lines = "".join(json.dumps(r) + "\n" for r in requests)
        done = subprocess.run(
            [str(self.binary)], input=lines, capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 0, done.stderr
        answers = [json.loads(line) for line in done.stdout.splitlines()]
        assert len(answers) == len(requests)
        return answers


@pytest.fixture(scope="session")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oracle]:
    go = shutil.which("go")
    if go is None:
        pytest.skip("the Go toolchain is not installed: no oracle to compare with")
    if not (Path(GOPATH) / "src/github.com/Masterminds/sprig").is_dir():
        pytest.skip(f"Sprig is not under {GOPATH}: no oracle to compare with")
    folder = tmp_path_factory.mktemp("oracle")
    binary = folder / "oracle"
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": GOPATH}
    built = subprocess.run(
        [go, "build", "-o", str(binary), "."],
        cwd=ORACLE_SOURCE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    yield Oracle(binary)
