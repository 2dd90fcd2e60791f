"""The ACME image in podman: the OCI archive written by the assembler, and the generated
Dockerfile built by podman, each serving a request through the company module."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tarfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.assembler.backend import orders_app
from tests.assembler.conftest import Built, container_env, prepare_containers
from tests.assembler.edition_process import audited_config
from tests.conftest import Servers, free_port, get

pytestmark = [pytest.mark.container, pytest.mark.slow]


@pytest.fixture(scope="module")
def podman() -> Iterator[dict[str, str]]:
    reason = prepare_containers()
    if reason is not None:
        pytest.skip(reason)
    env = {**os.environ, **container_env()}
    yield env
    # Images replaced by newer builds under the same tags: keep the test storage small.
    subprocess.run(["podman", "image", "prune", "-f"], capture_output=True, env=env)


def run(env: dict[str, str], *args: str | Path, timeout: float = 300) -> str:
    result = subprocess.run(
        ["podman", *map(str, args)], capture_output=True, text=True, env=env, timeout=timeout
    )
    assert result.returncode == 0, f"podman {' '.join(map(str, args))}: {result.stderr}"
    return result.stdout


@contextlib.contextmanager
def container(env: dict[str, str], image: str, config: dict, folder: Path) -> Iterator[str]:
    path = folder / "gateway.json"
    path.write_text(json.dumps(config))
    name = f"assemble-test-{uuid.uuid4().hex[:8]}"
    run(
        env,
        "run",
        "-d",
        "--init",
        "--network",
        "host",
        "--name",
        name,
        "-e",
        "PROPYLON_WORKERS=1",
        "-v",
        f"{path}:/etc/propylon/gateway.json:ro",
        image,
    )
    url = f"http://127.0.0.1:{config['port']}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                if get(url + "/__health", timeout=1).status == 200:
                    break
            if time.monotonic() > deadline:
                logs = subprocess.run(
                    ["podman", "logs", name], capture_output=True, text=True, env=env
                )
                raise AssertionError(f"container not ready: {logs.stdout}{logs.stderr}")
            time.sleep(0.2)
        yield url
    finally:
        subprocess.run(["podman", "rm", "-f", "-t0", name], capture_output=True, env=env)


def serve_through_audit(env: dict[str, str], image: str, servers: Servers, folder: Path) -> None:
    backend = servers.start(orders_app())
    with container(env, image, audited_config(backend, free_port()), folder) as url:
        reply = get(url + "/orders/42", headers={"Origin": "https://acme.example"})
    assert reply.status == 200
    assert reply.json() == {"id": "42", "item": "anvil"}
    assert reply.headers["X-Acme-Audit"] == "orders"
    assert reply.headers["Access-Control-Allow-Origin"] == "https://acme.example"


def test_oci_archive_loads_runs_and_serves(
    podman: dict[str, str], acme_build: Built, servers: Servers, tmp_path: Path
) -> None:
    assert acme_build.image is not None
    loaded = run(podman, "load", "-q", "-i", acme_build.image)
    assert "localhost/acme/gateway:1.4.0" in loaded
    inspect = json.loads(run(podman, "image", "inspect", "localhost/acme/gateway:1.4.0"))[0]
    assert inspect["Digest"] == acme_build.report["image"]["digest"]
    config = inspect["Config"]
    assert config["Entrypoint"] == ["/opt/acme-gateway/bin/acme-gateway"]
    assert "8080/tcp" in config["ExposedPorts"]
    assert config["Labels"]["org.opencontainers.image.version"] == "1.4.0"
    assert config["Labels"]["org.opencontainers.image.vendor"] == "ACME"
    version = run(podman, "run", "--rm", "localhost/acme/gateway:1.4.0", "version")
    assert "acme-audit 0.3.0" in version and "propylon-core 0.1.0" in version
    serve_through_audit(podman, "localhost/acme/gateway:1.4.0", servers, tmp_path)


def test_generated_dockerfile_builds_and_serves(
    podman: dict[str, str], acme_build: Built, servers: Servers, tmp_path: Path
) -> None:
    tag = "localhost/acme/gateway-dockerfile:test"
    run(podman, "build", "-q", "-t", tag, acme_build.out / "docker", timeout=600)
    version = run(podman, "run", "--rm", tag, "version")
    assert "cors 0.1.0" in version
    serve_through_audit(podman, tag, servers, tmp_path)


def test_an_oci_archive_as_base(podman: dict[str, str], tmp_path: Path) -> None:
    """``[image] base = "oci-archive:PATH"``: another image's layers, reused as they are."""
    from tests.assembler.conftest import ACME, REPO, build

    base = tmp_path / "base.oci.tar"
    run(
        podman,
        "save",
        "-q",
        "--format",
        "oci-archive",
        "-o",
        base,
        "localhost/debian-python:bookworm",
    )
    text = (ACME / "manifest.toml").read_text()
    text = text.replace(
        "rootfs:~/.cache/propylon/base/debian-bookworm-python.tar", f"oci-archive:{base}"
    )
    text = text.replace('"../../core", "../../modules"', f'"{REPO / "core"}", "{REPO / "modules"}"')
    text = text.replace("acme/gateway:1.4.0", "acme/gateway:on-oci-base")
    text = text.replace('"./modules/acme-audit"', f'"{ACME / "modules" / "acme-audit"}"')
    text = text.replace('config = "gateway.json"', f'config = "{ACME / "gateway.json"}"')
    (tmp_path / "manifest.toml").write_text(text)
    built = build(tmp_path / "manifest.toml", tmp_path / "out")
    assert built.image is not None
    base_layers = json.loads(run(podman, "image", "inspect", "localhost/debian-python:bookworm"))[0]
    layer_digests = [layer["digest"] for layer in built.report["image"]["layers"]]
    assert len(layer_digests) == len(base_layers["RootFS"]["Layers"]) + 2
    run(podman, "load", "-q", "-i", built.image)
    version = run(podman, "run", "--rm", "localhost/acme/gateway:on-oci-base", "version")
    assert "acme-audit 0.3.0" in version


def test_skopeo_and_umoci_read_the_archive(
    podman: dict[str, str], acme_build: Built, tmp_path: Path
) -> None:
    assert acme_build.image is not None
    inspect = subprocess.run(
        ["skopeo", "inspect", f"oci-archive:{acme_build.image}"],
        capture_output=True,
        text=True,
        env=podman,
        check=True,
    )
    info = json.loads(inspect.stdout)
    assert info["Digest"] == acme_build.report["image"]["digest"]
    assert info["Labels"]["org.opencontainers.image.title"] == "acme-gateway"
    layout = tmp_path / "layout"
    layout.mkdir()
    with tarfile.open(acme_build.image) as tar:
        tar.extractall(layout, filter="data")
    listed = subprocess.run(
        ["umoci", "ls", "--layout", layout], capture_output=True, text=True, check=True
    )
    assert "acme/gateway:1.4.0" in listed.stdout


def test_docker_load_accepts_the_archive(
    podman: dict[str, str], acme_build: Built, tmp_path: Path
) -> None:
    """The docker CLI, talking to podman's Docker-compatible service (no Docker engine here)."""
    if shutil.which("docker") is None:
        pytest.skip("no docker CLI")
    assert acme_build.image is not None
    socket = tmp_path / "podman.sock"
    service = subprocess.Popen(
        ["podman", "system", "service", "--time=0", f"unix://{socket}"],
        env=podman,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        docker_env = {**podman, "DOCKER_HOST": f"unix://{socket}"}
        loaded = subprocess.run(
            ["docker", "load", "-i", str(acme_build.image)],
            capture_output=True,
            text=True,
            env=docker_env,
            timeout=120,
        )
        assert loaded.returncode == 0, loaded.stderr
        assert "acme/gateway:1.4.0" in loaded.stdout
    finally:
        service.terminate()
        service.wait(20)
