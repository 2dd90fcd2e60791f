"""A module and a plugin rendered from the assembler's scaffolds, installed in a fresh virtual
environment, extend a gateway run from that environment (shown over HTTP)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from aiohttp import web
from cookiecutter.main import cookiecutter

from tests.conftest import REPO, GatewayProcess, free_port, get

pytestmark = pytest.mark.slow
TEMPLATES = REPO / "assembler" / "scaffolds"


def _run(*command: str | Path, cwd: Path | None = None) -> None:
    subprocess.run([str(c) for c in command], check=True, cwd=cwd, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rendered")
    module = cookiecutter(
        str(TEMPLATES / "module"),
        no_input=True,
        output_dir=str(out),
        extra_context={"module_name": "greeter", "namespace": "acme/greeter"},
    )
    plugin = cookiecutter(
        str(TEMPLATES / "plugin"),
        no_input=True,
        output_dir=str(out),
        extra_context={"plugin_name": "tagger"},
    )
    return {"module": Path(module), "plugin": Path(plugin), "root": out}


@pytest.mark.parametrize("kind", ["module", "plugin"])
def test_rendered_tests_pass(rendered: dict[str, Path], kind: str) -> None:
    """The tests a template ships run green against this checkout, with propylon.sdk.testing."""
    project = rendered[kind]
    env = {**os.environ, "PYTHONPATH": str(project)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout


@pytest.fixture(scope="module")
def fresh_env(rendered: dict[str, Path]) -> Path:
    """A new virtual environment with propylon-core and the rendered module installed by pip."""
    env = rendered["root"] / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", REPO / "core", rendered["module"])
    return python


@pytest.fixture
def backend(servers) -> str:
    async def seen(request: web.Request) -> web.Response:
        return web.json_response({"seen": request.headers.get("X-Plugin")})

    app = web.Application()
    app.router.add_get("/{tail:.*}", seen)
    return servers.start(app)


def _start(python: Path, config: dict, folder: Path) -> GatewayProcess:
    path = folder / "gateway.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return GatewayProcess(path, free_port(), folder / "gateway.log", python=str(python)).start()


def test_module_from_template_decorates_its_layers(
    fresh_env: Path, backend: str, tmp_path: Path
) -> None:
    version = subprocess.run(
        [str(fresh_env), "-m", "propylon", "version"], capture_output=True, text=True, check=True
    ).stdout
    assert "greeter 0.1.0" in version
    config = {
        "version": 3,
        "endpoints": [
            {
                "endpoint": "/greeted",
                "extra_config": {"acme/greeter": {"header": "X-Greeting", "value": "hi"}},
                "backend": [{"host": [backend], "url_pattern": "/"}],
            }
        ],
    }
    gateway = _start(fresh_env, config, tmp_path)
    try:
        reply = get(gateway.url + "/greeted")
        assert reply.headers["X-Greeting"] == "hi"  # handler layer
        assert reply.json() == {"seen": None, "hello": "hi"}  # proxy layer
    finally:
        gateway.stop()


def test_plugin_from_template_is_loaded_from_its_wheel(
    rendered: dict[str, Path], fresh_env: Path, backend: str, tmp_path: Path
) -> None:
    wheels = tmp_path / "wheels"
    _run(fresh_env, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, rendered["plugin"])
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for wheel in wheels.glob("*.whl"):
        shutil.copy(wheel, plugins)
    config = {
        "version": 3,
        "plugin": {"folder": str(plugins), "pattern": ".py"},
        "extra_config": {"plugin/http-server": {"name": "tagger"}},
        "endpoints": [
            {
                "endpoint": "/tagged",
                "extra_config": {"plugin/req-resp-modifier": {"name": ["tagger"]}},
                "backend": [
                    {
                        "host": [backend],
                        "url_pattern": "/",
                        "extra_config": {"plugin/http-client": {"name": "tagger"}},
                    }
                ],
            }
        ],
    }
    gateway = _start(fresh_env, config, tmp_path)
    try:
        assert get(gateway.url + "/__tagger").json() == {"plugin": "tagger"}
        assert get(gateway.url + "/tagged").json() == {"seen": "tagger", "tagger": True}
    finally:
        gateway.stop()
