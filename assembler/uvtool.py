"""Runs uv, the resolver and builder the assembler relies on, from its own Python package."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

from assembler.errors import AssembleError


@cache
def uv_bin() -> str:
    try:
        from uv import find_uv_bin
    except ImportError:  # pragma: no cover - uv is a dependency
        raise AssembleError("uv is not installed: pip install uv") from None
    return find_uv_bin()


@cache
def uv_version() -> str:
    return subprocess.run(
        [uv_bin(), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def run_uv(
    args: list[str],
    *,
    cwd: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Runs ``uv ARGS``; the caller decides what a failure means."""
    full_env = {**os.environ, "UV_NO_PROGRESS": "1", "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [uv_bin(), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
    )


def uv_reason(stderr: str) -> str:
    """uv's explanation of a failed resolution, on one line."""
    reasons = []
    for line in stderr.splitlines():
        line = line.strip()
        for prefix in ("error:", "cause:", "\u00d7", "\u2570\u2500\u25b6"):
            line = line.removeprefix(prefix).strip()
        if line and not line.startswith(("warning:", "Resolved", "Using", "No solution found")):
            reasons.append(line)
    return " ".join(reasons) or "uv failed"
