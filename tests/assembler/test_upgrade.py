"""Keeping an edition current: locks keep their versions, outdated shows what could move,
upgrade moves everything or one distribution, diff shows what moved."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from tests.assembler.conftest import assemble, make_module, write_manifest


def versions(lock: Path) -> dict[str, str]:
    return {p["name"]: p.get("version", "") for p in tomllib.loads(lock.read_text())["packages"]}


def test_outdated_upgrade_and_diff(tmp_path: Path) -> None:
    module = make_module(tmp_path / "mods", "greeter-idna", requires=("idna<3.11",))
    manifest = write_manifest(tmp_path, f'[modules]\ngreeter = {{ path = "{module}" }}\n')
    assemble("lock", manifest)
    lock = tmp_path / "pylock.toml"
    assert versions(lock)["idna"].startswith("3.10")
    old = tmp_path / "old.toml"
    shutil.copyfile(lock, old)

    pyproject = module / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"idna<3.11"', '"idna>=3"'))
    assemble("lock", manifest)  # a relock keeps what still fits
    assert versions(lock)["idna"] == versions(old)["idna"]

    outdated = assemble("outdated", manifest).stderr
    row = next(line for line in outdated.splitlines() if " idna " in line)
    locked, allowed = versions(old)["idna"], row.split("\u2502")[3].strip()
    assert locked in row and allowed != locked

    upgraded = assemble("upgrade", manifest, "idna").stderr
    assert "upgraded" in upgraded and "idna" in upgraded
    assert versions(lock)["idna"] == allowed
    assert {k: v for k, v in versions(lock).items() if k != "idna"} == {
        k: v for k, v in versions(old).items() if k != "idna"
    }

    diff = assemble("diff", old, lock).stderr
    assert "upgraded" in diff and locked in diff and allowed in diff
    same = assemble("diff", lock, lock).stderr
    assert "no change" in same


def test_upgrade_of_an_unknown_name(tmp_path: Path) -> None:
    module = make_module(tmp_path / "mods", "greeter-one")
    manifest = write_manifest(tmp_path, f'[modules]\ngreeter = {{ path = "{module}" }}\n')
    assemble("lock", manifest)
    result = assemble("upgrade", manifest, "nothing-like-this", check=False)
    assert result.returncode == 1
    assert (
        "'nothing-like-this' is neither a module of the manifest nor a locked distribution"
        in result.stderr
    )
