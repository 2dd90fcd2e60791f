"""Broken plugins are named in one log line each; the gateway and the good plugins still run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import PYTHON, get

BROKEN = {
    "syntax.py": ("def register(registrar)\n    pass\n", "SyntaxError"),
    "silent.py": ("VALUE = 1\n", "no register(registrar) function"),
    "raising.py": (
        "def register(registrar):\n    raise RuntimeError('database unreachable')\n",
        "register() raised RuntimeError: database unreachable",
    ),
    "not_callable.py": (
        "def register(registrar):\n    registrar.server('oops', 42)\n",
        "the factory is not callable",
    ),
    "empty.py": ("def register(registrar):\n    pass\n", "registered nothing"),
    "import_error.py": ("import not_a_real_dependency_xyz\n", "ModuleNotFoundError"),
}
GOOD = (
    "from aiohttp import web\n\n"
    "def register(registrar):\n"
    "    registrar.server('pong', lambda config, nxt: _pong(nxt))\n\n"
    "def _pong(nxt):\n"
    "    async def handle(request):\n"
    "        if request.path == '/__pong':\n"
    "            return web.Response(text='pong')\n"
    "        return await nxt(request)\n"
    "    return handle\n"
)


@pytest.fixture
def plugin_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "plugins"
    folder.mkdir()
    for name, (source, _) in BROKEN.items():
        (folder / name).write_text(source, encoding="utf-8")
    (folder / "good.py").write_text(GOOD, encoding="utf-8")
    return folder


def test_gateway_starts_without_broken_plugins(plugin_folder: Path, gateways) -> None:
    config = {
        "version": 3,
        "plugin": {"folder": str(plugin_folder), "pattern": ".py"},
        "extra_config": {"plugin/http-server": {"name": ["pong", "missing-kind"]}},
        "endpoints": [],
    }
    gateway = gateways.start(config)
    assert get(gateway.url + "/__pong").body == b"pong"
    log = gateway.log()
    assert "Traceback" not in log
    for name, (_, cause) in BROKEN.items():
        lines = [line for line in log.splitlines() if name in line]
        assert len(lines) == 1, (name, lines)
        assert cause in lines[0]
    assert "no server handler named 'missing-kind'" in log


def _test_plugin(*args: str) -> subprocess.CompletedProcess[str]:
    command = [PYTHON, "-m", "propylon", "test-plugin", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_test_plugin_reports_each_failure(plugin_folder: Path) -> None:
    paths = sorted(str(p) for p in plugin_folder.iterdir())
    result = _test_plugin(*paths)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(paths)
    for name, (_, cause) in BROKEN.items():
        line = next(line for line in lines if name in line)
        assert line.startswith("[KO]") and cause in line
    assert next(line for line in lines if "good.py" in line).startswith("[OK]")


def test_test_plugin_checks_the_kind(plugin_folder: Path) -> None:
    good = str(plugin_folder / "good.py")
    assert _test_plugin("-s", good).returncode == 0
    wrong = _test_plugin("-c", good)
    assert wrong.returncode == 1
    assert wrong.stdout.startswith("[KO]") and "registers no client handler" in wrong.stdout
