"""The core is resolved first and pinned: modules never move it, a relock keeps it, and only
an upgrade asks for a newer one. Two core releases are served from a local wheelhouse."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.assembler.conftest import REPO, Built, assemble, make_module

BUILD = "from poetry.core.masonry import api; import sys; api.build_wheel(sys.argv[1])"


def core_release(version: str, src: Path, links: Path) -> None:
    shutil.copytree(REPO / "core", src, ignore=shutil.ignore_patterns("__pycache__"))
    pyproject = src / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('version = "0.1.0"', f'version = "{version}"', 1)
    )
    subprocess.run(
        [sys.executable, "-c", BUILD, str(links)], cwd=src, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def links(acme_build: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """propylon-core 0.1.0 and 0.1.5, and every other wheel the ACME build needed."""
    folder = tmp_path_factory.mktemp("links")
    wheels = folder / "wheels"
    shutil.copytree(
        acme_build.out / "wheelhouse",
        wheels,
        ignore=shutil.ignore_patterns("propylon_core-*", "acme_*"),
    )
    core_release("0.1.0", folder / "core-0.1.0", wheels)
    core_release("0.1.5", folder / "core-0.1.5", wheels)
    return wheels


def manifest_with(folder: Path, links: Path, core: str, module_core: str) -> Path:
    module = folder / "mods" / "greeter-pin"
    if module.exists():
        shutil.rmtree(module)
    make_module(folder / "mods", "greeter-pin", core=module_core)
    path = folder / "manifest.toml"
    path.write_text(
        '[edition]\nname = "pin-gateway"\nversion = "0.0.1"\n\n'
        f'[core]\nversion = "{core}"\n\n'
        f'[modules]\ngreeter = {{ path = "{module}" }}\n\n'
        f'[sources]\nno-index = true\nfind-links = ["{links}"]\n'
    )
    return path


def core_of(folder: Path) -> str:
    return tomllib.loads((folder / "pylock.toml").read_text())["tool"]["propylon"]["core"]


def test_core_is_pinned_first_and_kept(links: Path, tmp_path: Path) -> None:
    manifest = manifest_with(tmp_path, links, ">=0.1,<0.2", "propylon-core>=0.1,<0.2")
    assemble("lock", manifest)
    assert core_of(tmp_path) == "0.1.5"  # the newest core the range admits

    # A module that would need an older core does not drag the core down: it is named.
    manifest = manifest_with(tmp_path, links, ">=0.1,<0.2", "propylon-core<0.1.5")
    result = assemble("lock", manifest, check=False)
    assert result.returncode == 1
    assert "modules.greeter: module greeter" in result.stderr
    assert "cannot be installed with propylon-core 0.1.5" in result.stderr


def test_relock_keeps_the_core_upgrade_moves_it(links: Path, tmp_path: Path) -> None:
    manifest = manifest_with(tmp_path, links, "==0.1.0", "propylon-core>=0.1,<0.2")
    assemble("lock", manifest)
    assert core_of(tmp_path) == "0.1.0"
    manifest = manifest_with(tmp_path, links, ">=0.1,<0.2", "propylon-core>=0.1,<0.2")
    assemble("lock", manifest)  # the range widened: the locked core still fits, it stays
    assert core_of(tmp_path) == "0.1.0"
    upgraded = assemble("upgrade", manifest, "propylon-core").stderr
    assert core_of(tmp_path) == "0.1.5"
    assert "propylon-core" in upgraded and "0.1.5" in upgraded
