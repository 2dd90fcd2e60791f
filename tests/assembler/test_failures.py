"""A build refuses tampered inputs, and never leaves a half-written output behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from assembler.hashing import sha256_file
from assembler.stages import output
from tests.assembler.conftest import Built, assemble, build, make_module, write_manifest
from tests.conftest import PYTHON


def output_state(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): sha256_file(p) for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def vendored(tmp_path: Path) -> Path:
    """A manifest with a module given as a wheel file, locked and built once into out/."""
    module = make_module(tmp_path / "src", "greeter-vendored")
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    subprocess.run(
        ["uv", "build", "--wheel", "-q", "--out-dir", vendor, module],
        check=True,
        env={**os.environ, "PATH": f"{Path(PYTHON).parent}:{os.environ['PATH']}"},
    )
    wheel = next(vendor.glob("*.whl"))
    manifest = write_manifest(
        tmp_path, f'[modules]\ngreeter = {{ wheel = "./vendor/{wheel.name}" }}\n'
    )
    assemble("lock", manifest)
    build(manifest, tmp_path / "out", "--no-image")
    return manifest


def test_tampered_wheel_is_refused(vendored: Path) -> None:
    out = vendored.parent / "out"
    before = output_state(out)
    wheel = next((vendored.parent / "vendor").glob("*.whl"))
    with wheel.open("ab") as f:
        f.write(b"\0")
    result = assemble("build", vendored, "--no-image", "--out", out, check=False)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: {vendored.parent / 'pylock.toml'}: greeter-vendored: ")
    assert "the file was changed; refusing to build" in last
    assert output_state(out) == before


def test_tampered_cached_download_is_refused(vendored: Path, tmp_path: Path) -> None:
    """The download cache feeds the wheelhouse: a changed file there stops the build."""
    cache = tmp_path / "cache"
    real = Path(os.environ.get("PROPYLON_CACHE", Path.home() / ".cache" / "propylon")) / "files"
    shutil.copytree(real, cache / "files")
    env = {"PROPYLON_CACHE": str(cache)}
    build(vendored, tmp_path / "fresh", "--no-image", env=env)
    victim = next(p for p in (cache / "files").rglob("idna-*.whl"))
    victim.write_bytes(victim.read_bytes() + b"tampered")
    result = assemble(
        "build", vendored, "--no-image", "--out", tmp_path / "fresh", env=env, check=False
    )
    assert result.returncode == 1
    assert "idna" in result.stderr and "does not match the lock" in result.stderr
    assert "refusing to build" in result.stderr


def test_failed_build_leaves_previous_output(vendored: Path) -> None:
    """A module without an entry point fails after the wheelhouse: out/ is untouched."""
    out = vendored.parent / "out"
    before = output_state(out)
    broken = make_module(vendored.parent / "src", "not-a-module")
    pyproject = broken / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('[project.entry-points."propylon.modules"]\n', "")
    )
    pyproject.write_text(pyproject.read_text().replace('greeter = "propylon_greeter:module"\n', ""))
    with vendored.open("a") as f:
        f.write(f'broken = {{ path = "{broken}" }}\n')
    result = assemble("build", vendored, "--no-image", "--out", out, check=False)
    assert result.returncode == 1
    assert "modules.broken: not-a-module 0.2.0 is not a Propylon module" in result.stderr
    assert output_state(out) == before
    assert not list(out.parent.glob(".out.staging-*"))


def _interruptible() -> None:
    """Ctrl-C as a terminal delivers it, also when the tests run where SIGINT is ignored (a
    background job of a non-interactive shell), which the build would inherit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt_build(manifest: Path, out: Path, signum: int) -> int:
    """Starts a build, sends ``signum`` once it has staged wheels; returns its exit code."""
    proc = subprocess.Popen(
        [PYTHON, "-m", "assembler", "build", str(manifest), "--no-image", "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_interruptible,
    )
    deadline = time.monotonic() + 60
    staged: list[Path] = []
    while time.monotonic() < deadline and proc.poll() is None:
        # Wheels staged, no report yet: mid-build. (Once published, the staging path holds
        # the previous output, report and all, until it is removed: not a build to interrupt.)
        staged = [
            p
            for p in out.parent.glob(".out.staging-*")
            if any((p / "wheelhouse").glob("*.whl")) and not (p / "report.json").exists()
        ]
        if staged:
            break
        time.sleep(0.01)
    assert staged, "the build finished before it could be interrupted"
    proc.send_signal(signum)
    return proc.wait(60)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_interrupted_build_leaves_previous_output(vendored: Path, signum: int) -> None:
    out = vendored.parent / "out"
    before = output_state(out)
    code = interrupt_build(vendored, out, signum)
    assert code != 0
    assert output_state(out) == before
    if signum == signal.SIGINT:  # a clean interruption removes its own staging folder
        assert not list(out.parent.glob(".out.staging-*"))
    build(vendored, out, "--no-image")  # after a kill, the next build cleans up
    assert not list(out.parent.glob(".out.staging-*"))


def test_a_ctrl_c_while_the_previous_output_is_removed_leaves_no_staging_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the swap the staging folder holds the previous output; Ctrl-C while it is
    being removed still removes it (the build is published, and says it was interrupted)."""
    out, staging = tmp_path / "out", tmp_path / ".out.staging-1-x"
    for folder, text in ((out, "previous"), (staging, "new")):
        (folder / "wheelhouse").mkdir(parents=True)
        (folder / "report.json").write_text(text)
    removals: list[Path] = []
    real_rmtree = shutil.rmtree

    def interrupted_once(path: Path, ignore_errors: bool = False) -> None:
        removals.append(path)
        if len(removals) == 1:
            (Path(path) / "report.json").unlink()  # part of it gone, then Ctrl-C
            raise KeyboardInterrupt
        real_rmtree(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(output.shutil, "rmtree", interrupted_once)
    with pytest.raises(KeyboardInterrupt):
        output.publish(staging, out)
    assert (out / "report.json").read_text() == "new"
    assert not staging.exists() and not list(tmp_path.glob(".out.old-*"))


def test_refuses_to_replace_a_folder_it_did_not_write(vendored: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    result = assemble("build", vendored, "--no-image", "--out", precious, check=False)
    assert result.returncode == 1
    assert "is not the output of a previous build: refusing to replace it" in result.stderr
    assert (precious / "notes.txt").read_text() == "keep me"


def test_tampered_wheel_in_a_find_links_wheelhouse_is_refused(
    acme_build: Built, tmp_path: Path
) -> None:
    """Locked from a wheelhouse, then one of its wheels changed: the build stops."""
    wheelhouse = tmp_path / "wheelhouse"
    shutil.copytree(acme_build.out / "wheelhouse", wheelhouse)
    sources = f'\n[sources]\nno-index = true\nfind-links = ["{wheelhouse}"]\n'
    manifest = write_manifest(tmp_path, '[modules]\ncors = "*"\n' + sources)
    assemble("lock", manifest)
    victim = next(wheelhouse.glob("idna-*.whl"))
    victim.write_bytes(victim.read_bytes() + b"tampered")
    env = {"PROPYLON_CACHE": str(tmp_path / "empty-cache")}
    result = assemble(
        "build", manifest, "--no-image", "--out", tmp_path / "out", env=env, check=False
    )
    assert result.returncode == 1
    assert (
        f"{victim.as_uri()} does not match its sha256 in the lock: refusing to build"
        in result.stderr
    )
    assert not (tmp_path / "out").exists()
