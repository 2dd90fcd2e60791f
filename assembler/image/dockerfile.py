"""Stage: a Dockerfile and build context, for users who build images with docker, podman or
buildah instead of the assembler's own OCI writer."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from assembler.image.compose import CONFIG_PATH, prefix_of
from assembler.manifest import Edition, Image
from assembler.manifest.values import reference_problem
from assembler.render import render
from assembler.stages.context import BuildContext
from assembler.stages.distributions import EditionResult

DEFAULT_BASE = "localhost/debian-python:bookworm"


@dataclass(frozen=True)
class DockerResult:
    folder: Path
    dockerfile: Path


def write_docker_context(ctx: BuildContext, edition: EditionResult) -> DockerResult:
    """Stage: ``docker/`` in the output, from the finished wheelhouse and its requirements."""
    dockerfile = write_context(
        ctx.manifest.edition,
        ctx.manifest.image,
        ctx.paths.wheelhouse,
        edition.requirements,
        ctx.paths.docker,
    )
    return DockerResult(ctx.paths.docker, dockerfile)


def write_context(
    edition: Edition, image: Image, wheelhouse: Path, requirements: Path, out: Path
) -> Path:
    """``out``: Dockerfile, .dockerignore, wheelhouse/, its hashed requirements and the
    gateway config, if any: the image build installs only files whose hashes match."""
    out.mkdir(parents=True)
    shutil.copytree(wheelhouse, out / "wheelhouse")
    shutil.copyfile(requirements, out / "requirements.txt")
    config = None
    if image.config is not None:
        config = "gateway.json"
        shutil.copyfile(image.config, out / config)
    base = image.base
    registry = base and not base.startswith(("rootfs:", "oci-archive:"))
    context = {
        "edition": edition,
        "image": image,
        "base": base if registry and reference_problem(base, digest=True) is None else DEFAULT_BASE,
        "default_base": DEFAULT_BASE,
        "prefix": "/" + prefix_of(edition),
        "config": config,
        "config_path": CONFIG_PATH,
    }
    (out / "Dockerfile").write_text(render("image/Dockerfile.j2", **context), encoding="utf-8")
    (out / ".dockerignore").write_text(
        "*\n!wheelhouse\n!requirements.txt\n!gateway.json\n", encoding="utf-8"
    )
    return out / "Dockerfile"
