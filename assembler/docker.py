"""The Dockerfile and build context, for users who build images with docker, podman or buildah."""

from __future__ import annotations

import shutil
from pathlib import Path

from assembler.manifest import Manifest
from assembler.manifest.values import reference_problem
from assembler.oci.image import CONFIG_PATH, prefix_of
from assembler.templates import render

DEFAULT_BASE = "localhost/debian-python:bookworm"


def write_context(manifest: Manifest, wheelhouse: Path, requirements: Path, out: Path) -> Path:
    """``out``: Dockerfile, .dockerignore, wheelhouse/, its hashed requirements and the
    gateway config, if any: the image build installs only files whose hashes match."""
    out.mkdir(parents=True)
    shutil.copytree(wheelhouse, out / "wheelhouse")
    shutil.copyfile(requirements, out / "requirements.txt")
    config = None
    if manifest.image.config is not None:
        config = "gateway.json"
        shutil.copyfile(manifest.image.config, out / config)
    base = manifest.image.base
    registry = base and not base.startswith(("rootfs:", "oci-archive:"))
    context = {
        "edition": manifest.edition,
        "image": manifest.image,
        "base": base if registry and reference_problem(base, digest=True) is None else DEFAULT_BASE,
        "default_base": DEFAULT_BASE,
        "prefix": "/" + prefix_of(manifest),
        "config": config,
        "config_path": CONFIG_PATH,
    }
    (out / "Dockerfile").write_text(render("image/Dockerfile.j2", **context), encoding="utf-8")
    (out / ".dockerignore").write_text(
        "*\n!wheelhouse\n!requirements.txt\n!gateway.json\n", encoding="utf-8"
    )
    return out / "Dockerfile"
