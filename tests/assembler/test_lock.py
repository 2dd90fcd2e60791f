"""``assemble lock``: a PEP 751 lock from uv, core pinned first, conflicts naming the module."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.assembler.conftest import ACME, REPO, assemble, make_module, write_manifest


def test_acme_lock_is_committed_and_current() -> None:
    result = assemble("check", ACME / "manifest.toml")
    assert "valid, lock current, modules compatible" in result.stderr


def test_lock_is_pep751_with_every_file_hashed(tmp_path: Path) -> None:
    module = make_module(tmp_path / "mods", "greeter-one")
    manifest = write_manifest(tmp_path, f'[modules]\ngreeter = {{ path = "{module}" }}\n')
    assemble("lock", manifest)
    lock = tomllib.loads((tmp_path / "pylock.toml").read_text())
    assert lock["lock-version"] == "1.0"
    packages = {p["name"]: p for p in lock["packages"]}
    assert (
        packages["propylon-core"]["directory"]["path"]
        == str(Path("..") / Path(*Path(REPO / "core").relative_to("/").parts))
        or packages["propylon-core"]["directory"]
    )
    assert "directory" in packages["greeter-one"]
    for package in lock["packages"]:
        for file in [*package.get("wheels", []), package.get("sdist", {})]:
            if file:
                assert len(file["hashes"]["sha256"]) == 64, package["name"]
    tool = lock["tool"]["propylon"]
    assert tool["core"] == "0.1.0"
    assert tool["modules"] == {"greeter": "greeter-one"}
    assert tool["local-versions"]["greeter-one"] == "0.2.0"


def test_incompatible_core_names_the_module(tmp_path: Path) -> None:
    good = make_module(tmp_path / "mods", "greeter-good")
    future = make_module(tmp_path / "mods", "greeter-future", core="propylon-core>=0.2")
    manifest = write_manifest(
        tmp_path,
        f'[modules]\ngood = {{ path = "{good}" }}\nfuture = {{ path = "{future}" }}\n',
    )
    result = assemble("lock", manifest, check=False)
    assert result.returncode == 1
    line = result.stderr.strip()
    assert line.startswith(f"error: {manifest}:11: modules.future: module future ")
    assert "cannot be installed with propylon-core 0.1.0" in line
    assert "propylon-core>=0.2" in line
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "pylock.toml").exists()


def test_contributed_range_not_met_by_the_checkout(tmp_path: Path) -> None:
    make_module(tmp_path / "contrib", "propylon-greeter")
    manifest = write_manifest(
        tmp_path,
        f'[modules]\ngreeter = ">=1.0"\n\n[sources]\nlocal = ["{tmp_path / "contrib"}"]\n',
    )
    result = assemble("lock", manifest, check=False)
    assert result.returncode == 1
    assert f"{manifest}:10: modules.greeter: propylon-greeter 0.2.0" in result.stderr
    assert "does not satisfy '>=1.0'" in result.stderr


def test_contributed_module_by_range_from_local_sources(tmp_path: Path) -> None:
    make_module(tmp_path / "contrib", "propylon-greeter")
    manifest = write_manifest(
        tmp_path,
        f'[modules]\ngreeter = "~=0.2"\n\n[sources]\nlocal = ["{tmp_path / "contrib"}"]\n',
    )
    assemble("lock", manifest)
    lock = tomllib.loads((tmp_path / "pylock.toml").read_text())
    assert lock["tool"]["propylon"]["modules"] == {"greeter": "propylon-greeter"}


def test_locked_fails_after_a_manifest_change(tmp_path: Path) -> None:
    module = make_module(tmp_path / "mods", "greeter-one")
    manifest = write_manifest(tmp_path, f'[modules]\ngreeter = {{ path = "{module}" }}\n')
    assemble("lock", manifest)
    assemble("check", manifest)
    other = make_module(tmp_path / "mods", "greeter-two")
    with manifest.open("a") as f:
        f.write(f'second = {{ path = "{other}" }}\n')
    result = assemble(
        "build", manifest, "--locked", "--no-image", "--out", tmp_path / "out", check=False
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: {tmp_path / 'pylock.toml'}: --locked: manifest.toml changed since the lock "
        "was written (run `assemble lock manifest.toml`)"
    )
    assert not (tmp_path / "out").exists()


def test_locked_fails_when_a_local_module_version_changed(tmp_path: Path) -> None:
    module = make_module(tmp_path / "mods", "greeter-one")
    manifest = write_manifest(tmp_path, f'[modules]\ngreeter = {{ path = "{module}" }}\n')
    assemble("lock", manifest)
    pyproject = module / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.2.0"', 'version = "0.3.0"'))
    result = assemble("check", manifest, check=False)
    assert result.returncode == 1
    assert "greeter-one" in result.stderr and "is now 0.3.0, the lock has 0.2.0" in result.stderr


def test_check_names_a_path_module_without_an_entry_point(tmp_path: Path) -> None:
    module = make_module(tmp_path / "mods", "not-a-module")
    pyproject = module / "pyproject.toml"
    text = pyproject.read_text().replace('[project.entry-points."propylon.modules"]\n', "")
    pyproject.write_text(text.replace('greeter = "propylon_greeter:module"\n', ""))
    manifest = write_manifest(tmp_path, f'[modules]\nbroken = {{ path = "{module}" }}\n')
    assemble("lock", manifest)
    result = assemble("check", manifest, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: {manifest}:10: modules.broken.path: {module} declares no 'propylon.modules' "
        "entry point: it is not a Propylon module"
    )
