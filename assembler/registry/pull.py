"""Base images from a registry: a tag resolved to a digest when locking, and the image for
each platform pulled by that digest when building, so the same lock gives the same image."""

from __future__ import annotations

import gzip
import json
import re
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assembler.cache import cache_dir
from assembler.errors import AssembleError
from assembler.image.oci.blob import LAYER_GZIP, Blob
from assembler.progress import bar
from assembler.registry.blobs import cached_blob, fetch_blob, get_manifest
from assembler.registry.reference import Reference, parse_reference
from assembler.registry.transport import Repository

INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
# Docker's layer types are OCI's under another name: the bytes stay, the type is renamed.
_LAYER_TYPES = {
    "application/vnd.docker.image.rootfs.diff.tar.gzip": LAYER_GZIP,
    "application/vnd.oci.image.layer.v1.tar+gzip": LAYER_GZIP,
    "application/vnd.oci.image.layer.v1.tar": "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
}
_PYTHON = re.compile(r"^(?:\./)?usr/bin/python(3\.\d+)$")

Update = Callable[[str], None]


def repository(ref: Reference, *, push: bool = False) -> Repository:
    return Repository(ref.registry, ref.repository, push=push)


def resolve_digest(reference: str) -> str:
    """The digest the reference's tag points at now (an index or a manifest)."""
    ref = parse_reference(reference)
    if ref.digest:
        return ref.digest
    _, _, digest = get_manifest(repository(ref), ref.target)
    return digest


def platform_manifest(
    repo: Repository, reference: str, digest: str, platform: str
) -> tuple[dict[str, Any], str]:
    """The image manifest for ``platform`` (``linux/arm64``) under ``digest``, and its digest."""
    data, media_type, _ = get_manifest(repo, digest)
    document = json.loads(data)
    media_type = document.get("mediaType") or media_type
    if media_type not in INDEX_TYPES and "manifests" not in document:
        return document, digest
    wanted_os, _, wanted_arch = platform.partition("/")
    found = []
    for entry in document.get("manifests", []):
        plat = entry.get("platform") or {}
        found.append(f"{plat.get('os')}/{plat.get('architecture')}")
        if plat.get("os") == wanted_os and plat.get("architecture") == wanted_arch:
            child, _, child_digest = get_manifest(repo, entry["digest"])
            return json.loads(child), child_digest
    raise AssembleError(
        f"{reference} has no {platform} image (it has {', '.join(found) or 'none'})"
    )


def pull_base(reference: str, digest: str, platform: str, update: Update) -> dict[str, Any]:
    """The base's layers (cached, verified), config and Python versions, for ``platform``."""
    ref = parse_reference(reference)
    repo = repository(ref)
    manifest, _ = platform_manifest(repo, reference, digest, platform)
    config_desc = manifest["config"]
    config_path = fetch_blob(repo, config_desc["digest"], config_desc["size"], lambda d, t: None)
    config = json.loads(config_path.read_bytes())
    arch = config.get("architecture")
    if arch and platform != f"{config.get('os', 'linux')}/{arch}":
        raise AssembleError(
            f"{reference}@{digest} is a {config.get('os')}/{arch} image, not {platform}"
        )
    diff_ids = config.get("rootfs", {}).get("diff_ids", [])
    layers = []
    descs = manifest.get("layers", [])
    total = sum(int(d.get("size", 0)) for d in descs)
    before = 0
    for i, desc in enumerate(descs):
        size = int(desc["size"])

        def progress(done: int, _all: int, before: int = before, i: int = i) -> None:
            update(f"{platform} layer {i + 1}/{len(descs)} {bar(before + done, total)}")

        path = fetch_blob(repo, desc["digest"], size, progress)
        before += size
        media_type = _LAYER_TYPES.get(desc.get("mediaType", ""))
        if media_type is None:
            raise AssembleError(f"{reference}: unsupported layer type {desc.get('mediaType')!r}")
        layers.append(Blob(desc["digest"], size, media_type, path=path, diff_id=diff_ids[i]))
    return {
        "layers": tuple(layers),
        "config": config,
        "env": tuple(config.get("config", {}).get("Env") or ()),
        "pythons": _pythons(layers),
    }


def _pythons(layers: list[Blob]) -> tuple[str, ...]:
    """Python versions in /usr/bin over every layer, remembered per layer."""
    found: set[str] = set()
    for layer in layers:
        memo = cache_dir("blobs", "pythons") / (layer.digest.removeprefix("sha256:") + ".json")
        if memo.exists():
            found.update(json.loads(memo.read_text()))
            continue
        names = _layer_names(cached_blob(layer.digest), layer.media_type)
        here = sorted({m.group(1) for n in names if (m := _PYTHON.match(n))})
        memo.write_text(json.dumps(here))
        found.update(here)
    return tuple(sorted(found))


def _layer_names(path: Path, media_type: str) -> list[str]:
    if media_type.endswith("+zstd"):
        return []  # not read: Python's presence is then not checked for this layer
    opener = gzip.open if media_type.endswith("+gzip") else open
    with opener(path, "rb") as raw, tarfile.open(fileobj=raw, mode="r|") as tar:
        return [member.name for member in tar]
