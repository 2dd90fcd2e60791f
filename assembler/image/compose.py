"""Stage: the edition's OCI image, base -> locked dependencies -> edition, and its config.

Written daemonless into an archive that ``podman load`` and ``docker load`` read.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembler.cache import cache_dir, touch, trim
from assembler.image.base import Base
from assembler.image.oci.archive import PlatformImage, write_archive
from assembler.image.oci.blob import LAYER_GZIP, Blob
from assembler.image.oci.install import add_venv, install_wheel
from assembler.image.oci.layer import Layer, compress, sha256
from assembler.manifest import Edition, Image
from assembler.stages.context import BuildContext
from assembler.stages.distributions import EditionResult
from assembler.stages.wheelhouse import WheelhouseResult

CONFIG_PATH = "/etc/propylon/gateway.json"
USER = "65534:65534"  # nobody: the gateway needs no privilege


@dataclass(frozen=True)
class ImageResult:
    path: Path
    digest: str  # the image's; an index's when there are several platforms
    layers: tuple[Blob, ...]  # the first platform's
    tags: tuple[str, ...]
    base: str  # the manifest's [image] base
    platforms: tuple[tuple[str, str], ...] = ()  # (platform, manifest digest), in order

    def describe(self) -> dict[str, Any]:
        """As the report records it."""
        described: dict[str, Any] = {
            "archive": self.path.name,
            "digest": self.digest,
            "tags": list(self.tags),
            "base": self.base,
            "layers": [
                {"digest": b.digest, "diff_id": b.diff_id, "size": b.size} for b in self.layers
            ],
        }
        if len(self.platforms) > 1:
            described["platforms"] = [{"platform": p, "digest": d} for p, d in self.platforms]
        return described


@dataclass(frozen=True)
class PlatformInput:
    """What one platform's image is made of."""

    platform: str  # linux/arm64
    base: Base
    dependencies: tuple[Path, ...]


def _gzip_layer(layer: Layer) -> Blob:
    """Compresses once per content: the same layer is reused from the cache next time."""
    raw = layer.tar()
    diff_id = sha256(raw)
    cached = cache_dir("layers") / (diff_id.removeprefix("sha256:") + ".tar.gz")
    if not cached.exists():
        part = cached.with_name(f".{cached.name}.{os.getpid()}")
        part.write_bytes(compress(raw))
        os.replace(part, cached)
    touch(cached)
    data = cached.read_bytes()
    return Blob(sha256(data), len(data), LAYER_GZIP, data=data, diff_id=diff_id)


def prefix_of(edition: Edition) -> str:
    """Where the edition's virtual environment lives in the image."""
    return f"opt/{edition.name}"


def labels(edition: Edition, image: Image, created: str, lock_sha256: str) -> dict[str, str]:
    base = {
        "org.opencontainers.image.title": edition.name,
        "org.opencontainers.image.version": edition.version,
        "org.opencontainers.image.description": edition.description,
        "org.opencontainers.image.created": created,
        "org.opencontainers.image.base.name": image.base,
        "io.propylon.lock.sha256": lock_sha256,
    }
    return {**base, **image.labels}


def build_oci_image(
    ctx: BuildContext,
    bases: dict[str, Base],
    wheelhouses: dict[str, WheelhouseResult],
    edition: EditionResult,
) -> ImageResult:
    """Stage: ``<name>-<version>.oci.tar`` in the output, one image per platform."""
    meta = ctx.manifest.edition
    inputs = [
        PlatformInput(p, bases[p], tuple(w.file for w in wheelhouses[p].wheels)) for p in bases
    ]
    return build_image(
        meta,
        ctx.manifest.image,
        inputs,
        edition_wheel=edition.wheel,
        out=ctx.paths.stage / f"{meta.name}-{meta.version}.oci.tar",
        epoch=ctx.epoch,
        lock_sha256=ctx.lock.sha256,
    )


def build_image(
    edition: Edition,
    image: Image,
    inputs: list[PlatformInput],
    *,
    edition_wheel: Path,
    out: Path,
    epoch: int,
    lock_sha256: str,
) -> ImageResult:
    created = datetime.datetime.fromtimestamp(epoch, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    all_labels = labels(edition, image, created, lock_sha256)
    images = [
        platform_image(edition, image, one, edition_wheel, epoch, created, all_labels)
        for one in inputs
    ]
    annotations = {k: v for k, v in all_labels.items() if k.startswith("org.opencontainers.")}
    digest, manifests = write_archive(
        out, images=images, tags=list(image.tags), annotations=annotations, mtime=epoch
    )
    trim(cache_dir("layers"))  # after writing: never under this build's feet
    platforms = tuple(zip((i.platform for i in images), manifests, strict=True))
    return ImageResult(out, digest, images[0].layers, image.tags, image.base, platforms)


def platform_image(
    edition: Edition,
    image: Image,
    one: PlatformInput,
    edition_wheel: Path,
    epoch: int,
    created: str,
    all_labels: dict[str, str],
) -> PlatformImage:
    """base -> locked dependencies -> edition, for one platform."""
    prefix, base, dependencies = prefix_of(edition), one.base, one.dependencies

    deps = Layer(epoch)
    add_venv(deps, prefix, edition.python)
    for wheel in sorted(dependencies):
        install_wheel(deps, wheel, prefix, edition.python)
    top = Layer(epoch)
    install_wheel(top, edition_wheel, prefix, edition.python)
    if image.config is not None:
        top.add_file(CONFIG_PATH, image.config.read_bytes())
    layers = [*base.layers, _gzip_layer(deps), _gzip_layer(top)]

    env = [e for e in base.env if not e.startswith(("PATH=", "VIRTUAL_ENV="))]
    path = f"/{prefix}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    history = [{"created": created, "created_by": f"base {image.base}"}] * len(base.layers)
    history += [
        {"created": created, "created_by": "assemble: locked dependencies"},
        {"created": created, "created_by": f"assemble: {edition.name} {edition.version}"},
    ]
    config = {
        "created": created,
        "architecture": one.platform.partition("/")[2],
        "os": "linux",
        "config": {
            "Env": [f"PATH={path}", f"VIRTUAL_ENV=/{prefix}", "PYTHONUNBUFFERED=1", *env],
            "Entrypoint": [f"/{prefix}/bin/{edition.command}"],
            "Cmd": ["run", "-c", CONFIG_PATH],
            "ExposedPorts": {f"{image.port}/tcp": {}},
            "Labels": all_labels,
            "WorkingDir": "/",
            "User": USER,
        },
        "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in layers]},
        "history": history,
    }
    return PlatformImage(one.platform, config, tuple(layers))
