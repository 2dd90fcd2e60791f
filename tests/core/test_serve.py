"""Several workers: Ctrl-C (SIGINT to the whole process group) and SIGTERM stop them cleanly."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PYTHON, free_port, get

from .cfg import backend, endpoint, service


def _start(tmp_path: Path, ready: bool = True) -> tuple[subprocess.Popen[bytes], Path]:
    """The gateway with three workers; ``ready``: once one answers, else once they are forked."""
    config = tmp_path / "gateway.json"
    config.write_text(json.dumps(service(endpoint("/a", backend("http://127.0.0.1:9", "/x")))))
    port, log = free_port(), tmp_path / "gateway.log"
    args = [PYTHON, "-m", "propylon", "run", "-c", str(config), "-p", str(port), "-w", "3"]
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if not ready and "listening" in log.read_text():
            return proc, log
        with contextlib.suppress(OSError):
            if get(f"http://127.0.0.1:{port}/__health", timeout=1).status == 200:
                return proc, log
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(log.read_text())


@pytest.mark.parametrize(
    ("signum", "group", "ready"),
    [
        (signal.SIGINT, True, True),
        (signal.SIGINT, True, False),  # Ctrl-C while the workers start
        (signal.SIGTERM, False, True),
        (signal.SIGINT, False, True),
    ],
)
def test_workers_stop_cleanly(tmp_path: Path, signum: int, group: bool, ready: bool) -> None:
    for _ in range(3):  # signals racing start-up or shutdown: give the race chances to show
        proc, log = _start(tmp_path, ready)
        if group:
            os.killpg(proc.pid, signum)  # what a terminal's Ctrl-C does
        else:
            proc.send_signal(signum)
        try:
            assert proc.wait(15) == 0, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
        assert "ERROR" not in log.read_text(), log.read_text()
