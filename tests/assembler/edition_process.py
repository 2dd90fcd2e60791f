"""An installed edition's command serving a configuration, for tests."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.conftest import LOOPBACK, free_port, get


@contextlib.contextmanager
def serving(command: Path, config: dict[str, Any], folder: Path) -> Iterator[str]:
    """``COMMAND run -c FILE -p PORT -w 1``; yields its base URL once /__health answers."""
    path, log_path, port = folder / "gateway.json", folder / "gateway.log", free_port()
    path.write_text(json.dumps(config), encoding="utf-8")
    url = f"http://{LOOPBACK}:{port}"
    env = {**os.environ, "PROPYLON_COMPAT": ""}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(command), "run", "-c", str(path), "-p", str(port), "-w", "1"],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"{command} exited: {log_path.read_text()}")
            with contextlib.suppress(OSError):
                if get(url + "/__health", timeout=1).status == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError(f"{command} not ready: {log_path.read_text()}")
            time.sleep(0.05)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def audited_config(backend: str, port: int = 8080) -> dict[str, Any]:
    """One endpoint through acme-audit and CORS to ``backend``."""
    return {
        "version": 3,
        "port": port,
        "extra_config": {"security/cors": {"allow_origins": ["https://acme.example"]}},
        "endpoints": [
            {
                "endpoint": "/orders/{id}",
                "extra_config": {"acme/audit": {"tag": "orders"}},
                "backend": [{"host": [backend], "url_pattern": "/orders/{id}"}],
            }
        ],
    }
