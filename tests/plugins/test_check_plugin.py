"""check-plugin compares a wheel's requirements with the gateway's environment."""

from __future__ import annotations

import subprocess
import zipfile
from importlib.metadata import version
from pathlib import Path

from tests.conftest import PYTHON


def _wheel(folder: Path, name: str, requires: list[str]) -> Path:
    """A pure-Python wheel declaring ``requires``, written as a build backend writes one."""
    dist = f"{name}-1.0"
    path = folder / f"{name}-1.0-py3-none-any.whl"
    metadata = "Metadata-Version: 2.1\nName: " + name + "\nVersion: 1.0\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{name}/__init__.py", "def register(registrar):\n    pass\n")
        archive.writestr(f"{dist}.dist-info/METADATA", metadata)
        archive.writestr(
            f"{dist}.dist-info/WHEEL",
            "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        archive.writestr(f"{dist}.dist-info/RECORD", "")
    return path


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    command = [PYTHON, "-m", "propylon", "check-plugin", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_conflicting_wheel_prints_conflict_and_fix(tmp_path: Path) -> None:
    installed = version("aiohttp")
    wheel = _wheel(tmp_path, "conflicting", ["aiohttp<3.0", "orjson>=3", "no-such-dist-xyz>=1"])
    result = _check(wheel)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "2 incompatibilities found"
    aiohttp_line = next(line for line in lines if line.startswith("aiohttp:"))
    assert f"the edition has {installed}" in aiohttp_line
    assert f"fix: pin aiohttp=={installed}" in aiohttp_line
    assert any(line.startswith("no-such-dist-xyz:") and "fix:" in line for line in lines)


def test_compatible_wheel_passes(tmp_path: Path) -> None:
    wheel = _wheel(
        tmp_path, "compatible", ["aiohttp>=3", "orjson", "pywin32; sys_platform == 'win32'"]
    )
    result = _check(wheel)
    assert result.returncode == 0
    assert result.stdout.strip() == "0 incompatibilities found"


def test_requirements_file_beside_a_plugin(tmp_path: Path) -> None:
    plugin = tmp_path / "plugin.py"
    plugin.write_text("def register(registrar):\n    pass\n", encoding="utf-8")
    (tmp_path / "requirements.txt").write_text(
        "# pinned for the plugin\naiohttp<1\n", encoding="utf-8"
    )
    result = _check(plugin)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "1 incompatibilities found"
