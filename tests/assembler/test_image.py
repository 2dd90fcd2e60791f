"""The OCI writer on a tiny root filesystem: a valid, deterministic image layout whose
layers hold a virtual environment on the base's Python, checked without any engine."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest

from tests.assembler.conftest import Built, assemble, build, make_module, write_manifest

EPOCH = 315532800


def tiny_rootfs(path: Path, python: str = "3.11") -> Path:
    with tarfile.open(path, "w") as tar:
        for name, data in (
            (f"usr/bin/python{python}", b"#!fake\n"),
            ("etc/os-release", b"ID=tiny\n"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def edition(tmp_path: Path, python: str = "3.11") -> Path:
    module = make_module(tmp_path / "mods", "greeter-image")
    tiny_rootfs(tmp_path / "tiny.tar", python)
    return write_manifest(
        tmp_path,
        f'[modules]\ngreeter = {{ path = "{module}" }}\n\n'
        '[image]\nbase = "rootfs:./tiny.tar"\ntags = ["test/gateway:0.0.1", "test/gateway:latest"]\nport = 9090\n'
        'labels = { "org.opencontainers.image.vendor" = "Tests" }\n',
    )


class Layout:
    """An OCI archive read into memory."""

    def __init__(self, archive: Path) -> None:
        with tarfile.open(archive) as tar:
            self.members = tar.getmembers()
            self.files = {
                m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in self.members
                if m.isfile()
            }

    def blob(self, digest: str) -> bytes:
        data = self.files["blobs/sha256/" + digest.removeprefix("sha256:")]
        assert "sha256:" + hashlib.sha256(data).hexdigest() == digest
        return data

    def json(self, name_or_digest: str) -> Any:
        if name_or_digest.startswith("sha256:"):
            return json.loads(self.blob(name_or_digest))
        return json.loads(self.files[name_or_digest])

    def layer(self, digest: str) -> tarfile.TarFile:
        return tarfile.open(fileobj=io.BytesIO(gzip.decompress(self.blob(digest))))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, Layout]:
    folder = tmp_path_factory.mktemp("tiny")
    built = build(edition(folder), folder / "out")
    assert built.image is not None
    return built, Layout(built.image)


def test_layout_index_manifest_config(tiny: tuple[Built, Layout]) -> None:
    built, layout = tiny
    names = [m.name for m in layout.members]
    assert names == sorted(names)
    assert all(m.mtime == EPOCH and m.uid == 0 and m.gid == 0 for m in layout.members)
    assert layout.json("oci-layout") == {"imageLayoutVersion": "1.0.0"}
    index = layout.json("index.json")
    (entry,) = index["manifests"]
    assert entry["digest"] == built.report["image"]["digest"]
    # One entry (engines refuse an image listed twice), named by the first tag.
    assert entry["annotations"]["org.opencontainers.image.ref.name"] == "test/gateway:0.0.1"
    assert (
        entry["annotations"]["io.propylon.image.tags"] == "test/gateway:0.0.1,test/gateway:latest"
    )
    manifest = layout.json(entry["digest"])
    assert manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert len(manifest["layers"]) == 3  # base -> dependencies -> edition
    config = layout.json(manifest["config"]["digest"])
    diff_ids = [
        "sha256:" + hashlib.sha256(gzip.decompress(layout.blob(layer["digest"]))).hexdigest()
        for layer in manifest["layers"]
    ]
    assert config["rootfs"]["diff_ids"] == diff_ids
    assert config["architecture"] == "amd64" and config["os"] == "linux"
    assert config["created"] == "1980-01-01T00:00:00Z"
    run = config["config"]
    assert run["Entrypoint"] == ["/opt/test-gateway/bin/test-gateway"]
    assert run["Cmd"] == ["run", "-c", "/etc/propylon/gateway.json"]
    assert run["ExposedPorts"] == {"9090/tcp": {}}
    assert run["User"] == "65534:65534"
    labels = run["Labels"]
    assert labels["org.opencontainers.image.title"] == "test-gateway"
    assert labels["org.opencontainers.image.version"] == "0.0.1"
    assert labels["org.opencontainers.image.vendor"] == "Tests"


def test_layers_hold_a_venv_on_the_base_python(tiny: tuple[Built, Layout]) -> None:
    _, layout = tiny
    manifest = layout.json(layout.json("index.json")["manifests"][0]["digest"])
    base, deps, top = (layout.layer(layer["digest"]) for layer in manifest["layers"])
    assert "usr/bin/python3.11" in base.getnames()
    names = deps.getnames()
    assert names == sorted(names)
    prefix = "opt/test-gateway"
    site = f"{prefix}/lib/python3.11/site-packages"
    assert deps.getmember(f"{prefix}/bin/python3").linkname == "/usr/bin/python3"
    assert b"home = /usr/bin" in deps.extractfile(f"{prefix}/pyvenv.cfg").read()  # type: ignore[union-attr]
    for path in ("aiohttp/__init__.py", "propylon/gateway.py", "propylon_greeter/__init__.py"):
        assert f"{site}/{path}" in names, path
    assert not any(name.startswith(f"{site}/test_gateway") for name in names)
    script = top.extractfile(f"{prefix}/bin/test-gateway").read().decode()  # type: ignore[union-attr]
    assert script.startswith(f"#!/{prefix}/bin/python\n")
    assert "from test_gateway.cli import main" in script
    assert top.getmember(f"{prefix}/bin/test-gateway").mode == 0o755
    assert f"{site}/test_gateway/registry.py" in top.getnames()


def test_base_without_the_target_python_is_refused(tmp_path: Path) -> None:
    manifest = edition(tmp_path, python="3.12")
    result = assemble("build", manifest, "--out", tmp_path / "out", check=False)
    assert result.returncode == 1
    assert f"{manifest}:13: image.base: the base image has Python 3.12 in /usr/bin" in result.stderr
    assert not (tmp_path / "out").exists()


def test_lock_name_follows_the_manifest_name(tmp_path: Path) -> None:
    module = make_module(tmp_path / "mods", "greeter-named")
    manifest = write_manifest(tmp_path, f'[modules]\ngreeter = {{ path = "{module}" }}\n')
    staging = manifest.rename(tmp_path / "staging.toml")
    assemble("lock", staging)
    assert (tmp_path / "pylock.staging.toml").is_file()
    assert not (tmp_path / "pylock.toml").exists()
