"""Fixtures of the assembler tests: the ``assemble`` command, test manifests and modules, one
ACME build and one Community Edition build shared by the session, and the container engine
when this machine has one.

Everything runs for real: uv resolves and builds, pip installs into new virtual
environments, podman loads and runs the images. uv's and the assembler's caches are kept
between runs, so only the first run downloads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PYTHON, REPO

FIXTURES = Path(__file__).parent / "fixtures"
ACME = REPO / "examples" / "acme"
CE = REPO / "editions" / "ce" / "manifest.toml"
CONTAINERS_SH = REPO / "scripts" / "containers.sh"


def assemble(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    check: bool = True,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``assemble ARGS`` in a subprocess, as a user runs it."""
    result = subprocess.run(
        [PYTHON, "-m", "assembler", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"assemble {' '.join(map(str, args))} failed:\n{result.stderr}")
    return result


def write_manifest(folder: Path, body: str = "", *, name: str = "test-gateway") -> Path:
    """A manifest using the repository's core by path, plus ``body`` (modules, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "manifest.toml"
    path.write_text(
        f'[edition]\nname = "{name}"\nversion = "0.0.1"\npython = "3.11"\n\n'
        f'[core]\npath = "{REPO / "core"}"\n\n{body}',
        encoding="utf-8",
    )
    return path


def make_module(
    folder: Path,
    dist: str,
    *,
    core: str = "propylon-core>=0.1,<0.2",
    version: str = "0.2.0",
    requires: tuple[str, ...] = (),
) -> Path:
    """A copy of the greeter test module named ``dist`` needing ``core``."""
    dest = folder / dist
    shutil.copytree(FIXTURES / "modules" / "greeter", dest)
    pyproject = dest / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace('name = "propylon-greeter"', f'name = "{dist}"')
    text = text.replace('version = "0.2.0"', f'version = "{version}"')
    deps = ", ".join(json.dumps(r) for r in (core, *requires))
    text = text.replace('"propylon-core>=0.1,<0.2"', deps)
    pyproject.write_text(text)
    return dest


def base_tar() -> Path:
    cache_root = os.environ.get("PROPYLON_CACHE") or os.path.expanduser("~/.cache/propylon")
    return Path(cache_root) / "base" / "debian-bookworm-python.tar"


def container_env() -> dict[str, str]:
    """CONTAINERS_CONF & co. as scripts/containers.sh sets them."""
    out = subprocess.run(["bash", str(CONTAINERS_SH), "--env"], capture_output=True, text=True)
    env = {}
    for line in out.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value
    return env


@cache
def prepare_containers() -> str | None:
    """None when podman and the base image are usable, else why not.

    In CI (CI=true) the engine and base image are prepared first with scripts/containers.sh,
    so the image tests run there; elsewhere they run if a developer already prepared them.
    """
    if os.environ.get("CI") and os.geteuid() == 0:
        result = subprocess.run(["bash", str(CONTAINERS_SH)], capture_output=True, text=True)
        if result.returncode != 0:
            return f"scripts/containers.sh failed: {result.stderr.strip()[-300:]}"
    if shutil.which("podman") is None:
        return "podman is not installed (run: bash scripts/containers.sh)"
    if not base_tar().is_file():
        return f"no base image at {base_tar()} (run: bash scripts/containers.sh)"
    env = {**os.environ, **container_env()}
    probe = subprocess.run(["podman", "info"], capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        return f"podman does not work here: {probe.stderr.strip()[-200:]}"
    return None


@dataclass
class Built:
    out: Path
    report: dict[str, Any]
    stderr: str

    @property
    def wheel(self) -> Path:
        return self.out / self.report["wheel"]

    @property
    def image(self) -> Path | None:
        info = self.report.get("image")
        return self.out / info["archive"] if info else None


def build(manifest: Path, out: Path, *args: str, env: dict[str, str] | None = None) -> Built:
    result = assemble("build", manifest, "--out", out, *args, env=env)
    report = json.loads((out / "report.json").read_text())
    return Built(out, report, result.stderr)


def build_locked(manifest: Path, out: Path) -> Built:
    """``assemble build MANIFEST --locked``, with the image when this machine can make it."""
    prepare_containers()  # in CI: makes the base image the build needs
    image = [] if base_tar().is_file() else ["--no-image"]
    return build(manifest, out, "--locked", *image)


@pytest.fixture(scope="session")
def acme_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The ACME example built once from its committed lock, with its image when possible."""
    return build_locked(ACME / "manifest.toml", tmp_path_factory.mktemp("acme") / "out")


@pytest.fixture(scope="session")
def ce_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The Community Edition built once from its committed lock, with its image when possible."""
    return build_locked(CE, tmp_path_factory.mktemp("ce") / "out")


def new_venv(folder: Path) -> Path:
    venv.create(folder, with_pip=True, clear=True)
    return folder / "bin"


def install(built: Built, dist: str, folder: Path) -> Path:
    """A new virtual environment at ``folder`` with ``dist`` installed from the build's
    wheelhouse alone, as a user does; returns its bin folder."""
    bin_dir = new_venv(folder)
    subprocess.run(
        [
            bin_dir / "pip",
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            built.out / "wheelhouse",
            dist,
        ],
        check=True,
        env=clean_pip_env(),
    )
    return bin_dir


@pytest.fixture(scope="session")
def acme_venv(acme_build: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with acme-gateway installed from the wheelhouse alone."""
    return install(acme_build, "acme-gateway", tmp_path_factory.mktemp("acme-venv") / "venv")


def clean_pip_env() -> dict[str, str]:
    """pip with no configured index or find-links: only what the command line gives."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def assemble_in_process(*args: str | Path) -> tuple[int, str]:
    """``assemble ARGS`` through the command's own entry point in this process: (exit code,
    stderr). Anything but a clean exit (a traceback) propagates and fails the test."""
    import contextlib
    import io
    import sys

    from assembler.cli import main

    stderr = io.StringIO()
    argv = sys.argv
    sys.argv = ["assemble", *map(str, args)]
    try:
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    return code, stderr.getvalue()
