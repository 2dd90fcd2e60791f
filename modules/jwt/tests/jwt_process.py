"""A real gateway process for the jwt module's tests: ``python -m propylon run -c FILE -p PORT
-w 1``, which loads the module from its entry point as a deployed gateway does. Imported by
the tests as a plain module: its name is unique among the test folders collected together.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from propylon.sdk.testing import send

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class GatewayProcess:
    """One worker serving ``config`` on a free port; its output goes to ``folder/gateway.log``."""

    def __init__(self, config: dict[str, Any], folder: Path) -> None:
        self.config_path = folder / "gateway.json"
        self.config_path.write_text(json.dumps({"version": 3, **config}, indent=2), "utf-8")
        self.log_path = folder / "gateway.log"
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> GatewayProcess:
        args = [sys.executable, "-m", "propylon", "run", "-c", str(self.config_path)]
        args += ["-p", str(self.port), "-w", "1"]
        env = {**os.environ, "PROPYLON_COMPAT": ""}
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gateway exited with {self.proc.returncode}:\n{self.log()}")
            with contextlib.suppress(OSError):
                if send("GET", self.url + "/__health", timeout=1).status == 200:
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"gateway not ready after {timeout}s:\n{self.log()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""
