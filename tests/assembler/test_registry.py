"""Editions built on a base pulled from a real registry (TLS, htpasswd), pushed back to it,
pulled by digest and run: reproducible by the locked digest, refusing a tampered cache,
multi-platform as an image index, and one clear line for each registry failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from assembler.image.base import load_base
from assembler.image.oci.archive import PlatformImage, write_archive
from assembler.image.oci.layer import Layer, compress, sha256
from assembler.registry.blobs import cached_blob
from assembler.registry.push import push_archive
from tests.assembler.conftest import (
    ACME,
    REPO,
    assemble,
    base_tar,
    container_env,
    prepare_containers,
)
from tests.assembler.registry_server import PASSWORD, USER, Registry, start_registry, stop_registry
from tests.assembler.test_container import run, serve_through_audit
from tests.conftest import Servers, free_port

pytestmark = [pytest.mark.container, pytest.mark.slow]
EPOCH = 315532800


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    reason = prepare_containers()
    if reason is not None:
        pytest.skip(reason)
    try:
        server = start_registry(tmp_path_factory.mktemp("registry"))
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    saved = {k: os.environ.get(k) for k in server.env()}
    os.environ.update(server.env())  # for the pushes this process makes
    try:
        yield server
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        stop_registry(server)


def _arm64_base() -> PlatformImage:
    """A small arm64 base made here: it need not run, only carry a Python for the check."""
    layer = Layer(EPOCH)
    layer.add_file("usr/bin/python3.11", b"#!/bin/sh\n", 0o755)
    layer.add_symlink("usr/bin/python3", "python3.11")
    raw = layer.tar()
    data = compress(raw)
    from assembler.image.oci.blob import LAYER_GZIP, Blob

    blob = Blob(sha256(data), len(data), LAYER_GZIP, data=data, diff_id=sha256(raw))
    return PlatformImage("linux/arm64", _config("arm64", blob.diff_id), (blob,))


def _config(arch: str, diff_id: str) -> dict[str, object]:
    return {
        "architecture": arch,
        "os": "linux",
        "config": {"Env": ["LANG=C.UTF-8", "PATH=/usr/bin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    }


@pytest.fixture(scope="module")
def base_ref(registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The Debian + Python base (amd64) and a small arm64 one, pushed as one index by the
    assembler's own push code."""
    amd64 = load_base(f"rootfs:{base_tar()}", REPO)
    images = [
        PlatformImage("linux/amd64", _config("amd64", amd64.layers[0].diff_id), amd64.layers),
        _arm64_base(),
    ]
    archive = tmp_path_factory.mktemp("base") / "base.oci.tar"
    write_archive(archive, images=images, tags=[], annotations={}, mtime=EPOCH)
    reference = f"{registry.host}/base/python:bookworm"
    push_archive(archive, [reference], lambda _: None)
    return reference


def acme_manifest(folder: Path, base: str, tag: str, extra: str = "") -> Path:
    """The ACME example on ``base``, tagged ``tag``, on a copy of the core and the CORS module
    (a snapshot: the same sources for every build of the test)."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = folder / "sources"
    if not sources.exists():
        skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "tests", ".*")
        shutil.copytree(REPO / "core", sources / "core", ignore=skip)
        shutil.copytree(REPO / "modules" / "cors", sources / "modules" / "cors", ignore=skip)
    text = (ACME / "manifest.toml").read_text()
    text = text.replace("rootfs:~/.cache/propylon/base/debian-bookworm-python.tar", base)
    text = text.replace(
        '"../../core", "../../modules"', f'"{sources / "core"}", "{sources / "modules"}"'
    )
    text = text.replace('tags = ["acme/gateway:1.4.0"]', f'tags = ["{tag}"]{extra}')
    text = text.replace('"./modules/acme-audit"', f'"{ACME / "modules" / "acme-audit"}"')
    text = text.replace('config = "gateway.json"', f'config = "{ACME / "gateway.json"}"')
    (folder / "manifest.toml").write_text(text)
    return folder / "manifest.toml"


def build(registry: Registry, manifest: Path, out: Path, *args: str) -> tuple[dict, str]:
    result = assemble("build", manifest, "--out", out, *args, env=registry.env(), timeout=600)
    return json.loads((out / "report.json").read_text()), result.stdout


def pull(registry: Registry, reference: str, local: str) -> dict[str, str]:
    env = {**os.environ, **container_env()}
    subprocess.run(
        ["skopeo", "copy", "-q", *registry.skopeo_args("src-"), f"docker://{reference}",
         f"containers-storage:{local}"],
        check=True, env=env, capture_output=True, timeout=300,
    )  # fmt: skip
    return env


@pytest.fixture(scope="module")
def pushed(registry: Registry, base_ref: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("acme-registry")
    manifest = acme_manifest(folder, base_ref, f"{registry.host}/acme/gateway:1.4.0")
    report, stdout = build(registry, manifest, folder / "out", "--push")
    return {"manifest": manifest, "report": report, "stdout": stdout, "folder": folder}


def test_build_pulls_the_base_by_tag_locks_its_digest_and_pushes(
    registry: Registry, pushed: dict, servers: Servers, tmp_path: Path
) -> None:
    lock = tomllib.loads((pushed["folder"] / "pylock.toml").read_text())
    image = lock["tool"]["propylon"]["image"]
    assert image["base"].endswith("/base/python:bookworm")
    assert image["base-digest"].startswith("sha256:")
    digest = pushed["report"]["image"]["digest"]
    assert f"pushed {registry.host}/acme/gateway:1.4.0@{digest}" in pushed["stdout"]
    env = pull(registry, f"{registry.host}/acme/gateway@{digest}", "localhost/acme/gateway:pulled")
    version = run(env, "run", "--rm", "localhost/acme/gateway:pulled", "version")
    assert "acme-audit 0.3.0" in version
    serve_through_audit(env, "localhost/acme/gateway:pulled", servers, tmp_path)
    deploy = pushed["folder"] / "out" / "deploy"
    assert (
        f"{registry.host}/acme/gateway:1.4.0@{digest}" in (deploy / "kubernetes.yaml").read_text()
    )


def test_same_lock_same_digest_and_a_tampered_blob_is_refused(
    registry: Registry, pushed: dict, tmp_path: Path
) -> None:
    again, _ = build(registry, pushed["manifest"], tmp_path / "again", "--locked")
    assert again["image"]["digest"] == pushed["report"]["image"]["digest"]
    layer = cached_blob(pushed["report"]["image"]["layers"][0]["digest"])
    with layer.open("r+b") as f:
        f.seek(-1, os.SEEK_END)
        original = f.read(1)
        f.seek(-1, os.SEEK_END)
        f.write(bytes([original[0] ^ 0xFF]))
    try:
        result = assemble(
            "build", pushed["manifest"], "--out", tmp_path / "tampered", "--locked",
            env=registry.env(), check=False,
        )  # fmt: skip
    finally:
        with layer.open("r+b") as f:
            f.seek(-1, os.SEEK_END)
            f.write(original)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()[-1:]
    assert "changed on disk; refusing it" in line and str(layer) in line


def test_two_platforms_make_one_index(registry: Registry, base_ref: str, tmp_path: Path) -> None:
    tag = f"{registry.host}/acme/gateway:multi"
    manifest = acme_manifest(
        tmp_path, base_ref, tag, '\nplatforms = ["linux/amd64", "linux/arm64"]'
    )
    report, stdout = build(registry, manifest, tmp_path / "out", "--push")
    assert (tmp_path / "pylock.linux-arm64.toml").is_file()
    assert (tmp_path / "out" / "wheelhouse-linux-arm64").is_dir()
    arm_wheels = [p.name for p in (tmp_path / "out" / "wheelhouse-linux-arm64").iterdir()]
    assert any("aarch64" in name for name in arm_wheels)
    raw = subprocess.run(
        ["skopeo", "inspect", "--raw", *registry.skopeo_args(""), f"docker://{tag}"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    index = json.loads(raw.stdout)
    platforms = {
        f"{m['platform']['os']}/{m['platform']['architecture']}" for m in index["manifests"]
    }
    assert platforms == {"linux/amd64", "linux/arm64"}
    digest = report["image"]["digest"]
    assert f"@{digest}" in stdout
    env = pull(registry, f"{registry.host}/acme/gateway@{digest}", "localhost/acme/gateway:multi")
    assert "acme-audit 0.3.0" in run(env, "run", "--rm", "localhost/acme/gateway:multi", "version")


@pytest.mark.parametrize(
    ("base", "env", "expected"),
    [
        ("{host}/base/python:nope", {}, "{host}/base/python: unknown tag nope"),
        (
            "{host}/base/python:bookworm",
            {"PROPYLON_REGISTRY_USERNAME": USER, "PROPYLON_REGISTRY_PASSWORD": PASSWORD + "x"},
            "registry {host} refused the credentials of 'builder' for base/python",
        ),
        (
            "{host}/base/python:bookworm",
            {"PROPYLON_REGISTRY_CA_FILE": ""},
            "registry {host}: TLS certificate not trusted",
        ),
        (
            "127.0.0.1:{free}/base/python:bookworm",
            {},
            "registry 127.0.0.1:{free} cannot be reached",
        ),
    ],
    ids=["unknown-tag", "refused-credentials", "untrusted", "unreachable"],
)
def test_registry_failures_are_one_line(
    registry: Registry, base_ref: str, tmp_path: Path, base: str, env: dict, expected: str
) -> None:
    free = free_port()
    base = base.format(host=registry.host, free=free)
    manifest = acme_manifest(tmp_path, base, "x/y:z")
    result = assemble("lock", manifest, env={**registry.env(), **env}, check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert expected.format(host=registry.host, free=free) in lines[0]
