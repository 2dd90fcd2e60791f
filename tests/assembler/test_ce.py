"""The Community Edition: every contributed module, a current lock, a fast build, and the
repository's Dockerfile."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.assembler.conftest import (
    CE,
    REPO,
    Built,
    assemble,
    container_env,
    prepare_containers,
)


def module_folders() -> list[str]:
    return sorted(p.name for p in (REPO / "modules").iterdir() if (p / "pyproject.toml").is_file())


def test_ce_lists_every_contributed_module_by_path() -> None:
    modules = tomllib.loads(CE.read_text())["modules"]
    assert sorted(modules) == module_folders()
    for name, spec in modules.items():
        assert spec == {"path": f"../../modules/{name}"}, name


def test_ce_lock_is_current() -> None:
    assemble("check", CE)


def test_ce_builds_quickly(ce_build: Built) -> None:
    assert sorted(m["name"] for m in ce_build.report["modules"]) == module_folders()
    # Warm caches: the whole build, image included, stays well under 30 s.
    assert ce_build.report["total_seconds"] < 30, ce_build.report["durations"]


@pytest.mark.slow
@pytest.mark.container
def test_root_dockerfile_builds_the_ce() -> None:
    reason = prepare_containers()
    if reason is not None:
        pytest.skip(reason)
    env = {**os.environ, **container_env()}
    args = ["podman", "build", "-q", "-t", "localhost/propylon/ce:test"]
    bundle = os.environ.get("SSL_CERT_FILE", "")
    if bundle and Path(bundle).is_file():  # a TLS-intercepting proxy: lend the build its CA
        args += ["-v", f"{Path(bundle).parent}:{Path(bundle).parent}:ro"]
        args += ["--build-arg", f"PIP_CERT={bundle}", "--build-arg", f"SSL_CERT_FILE={bundle}"]
    result = subprocess.run(
        [*args, str(REPO)], capture_output=True, text=True, env=env, timeout=900
    )
    assert result.returncode == 0, result.stderr[-2000:]
    version = subprocess.run(
        ["podman", "run", "--rm", "localhost/propylon/ce:test", "version"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    for name in module_folders():
        assert f"  {name} " in version
    subprocess.run(["podman", "image", "prune", "-f"], capture_output=True, env=env)
