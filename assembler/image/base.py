"""The base image: a root filesystem tar (``rootfs:PATH``), an OCI archive
(``oci-archive:PATH``) or an image in a registry (``registry/name:tag``, pulled by the digest
the lock records).

A rootfs tar becomes one gzip layer, compressed once and cached by its content, so later
builds reuse the blob without compressing 200 MB again.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assembler.cache import cache_dir, touch
from assembler.errors import AssembleError, Locator
from assembler.hashing import sha256_file
from assembler.image.oci.blob import LAYER_GZIP, Blob
from assembler.registry.pull import pull_base
from assembler.registry.reference import is_registry_reference


@dataclass(frozen=True)
class Base:
    reference: str
    layers: tuple[Blob, ...]
    env: tuple[str, ...] = ()
    config: dict[str, Any] = field(default_factory=dict)
    pythons: tuple[str, ...] | None = None  # "3.11", ... found in /usr/bin; None: not known


def prepare_base(
    reference: str,
    python: str,
    root: Path,
    error: Locator,
    *,
    digest: str = "",
    platform: str = "linux/amd64",
    update: Callable[[str], None] = lambda _: None,
) -> Base:
    """The base image, checked before the build spends time on anything else: it must have
    the Python the edition targets. ``digest``: a registry base's, as locked."""
    try:
        if is_registry_reference(reference):
            base = _registry(reference, digest, platform, update)
        else:
            base = load_base(reference, root, platform)
    except AssembleError as exc:
        raise error(exc.message, "image", "base") from None
    if base.pythons is not None and python not in base.pythons:
        found = ", ".join(base.pythons) or "none"
        raise error(
            f"the base image has Python {found} in /usr/bin, the edition targets {python}",
            "image",
            "base",
        )
    return base


def resolve_base_path(reference: str, root: Path) -> tuple[str, Path]:
    kind, sep, raw = reference.partition(":")
    if not sep or kind not in ("rootfs", "oci-archive"):
        raise AssembleError(
            f"{reference!r}: expected rootfs:PATH (a root filesystem tar), "
            "oci-archive:PATH or a registry reference"
        )
    path = (root / os.path.expanduser(os.path.expandvars(raw))).resolve()
    if not path.is_file():
        raise AssembleError(
            f"{path} not found (bash scripts/containers.sh builds one, or use --no-image)"
        )
    return kind, path


def _registry(reference: str, digest: str, platform: str, update: Callable[[str], None]) -> Base:
    if not digest:
        raise AssembleError(f"{reference}: the lock records no digest for it (run assemble lock)")
    pulled = pull_base(reference, digest, platform, update)
    return Base(
        f"{reference}@{digest}",
        pulled["layers"],
        env=pulled["env"],
        config=pulled["config"],
        pythons=pulled["pythons"],
    )


def platform_path(raw: str, platform: str) -> str:
    """A local base's path for ``platform``: ``{arch}`` in it becomes amd64, arm64, ..."""
    return raw.replace("{arch}", platform.partition("/")[2])


def load_base(reference: str, root: Path, platform: str = "linux/amd64") -> Base:
    kind, path = resolve_base_path(platform_path(reference, platform), root)
    if kind == "rootfs":
        layer = _rootfs_layer(path)
        return Base(reference, (layer,), env=("LANG=C.UTF-8",), pythons=_pythons(path, layer))
    return _oci_archive(reference, path)


_PYTHON = re.compile(r"^(?:\./)?usr/bin/python(3\.\d+)$")


def _pythons(path: Path, layer: Blob) -> tuple[str, ...]:
    """Python versions in the root filesystem's /usr/bin, remembered beside its layer."""
    assert layer.path is not None
    memo = layer.path.with_suffix(".pythons.json")
    if memo.exists():
        return tuple(json.loads(memo.read_text()))
    with tarfile.open(path) as tar:
        found = sorted({m.group(1) for name in tar.getnames() if (m := _PYTHON.match(name))})
    memo.write_text(json.dumps(found))
    return tuple(found)


def _rootfs_layer(path: Path) -> Blob:
    diff_hex = sha256_file(path)
    cached = cache_dir("layers") / f"{diff_hex}.tar.gz"
    if not cached.exists():
        part = cached.with_name(f".{cached.name}.{os.getpid()}")
        with (
            path.open("rb") as src,
            part.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as gz,
        ):
            shutil.copyfileobj(src, gz, 1 << 20)
        os.replace(part, cached)
    touch(cached)
    return Blob(
        digest="sha256:" + sha256_file(cached),
        size=cached.stat().st_size,
        media_type=LAYER_GZIP,
        path=cached,
        diff_id="sha256:" + diff_hex,
    )


def _oci_archive(reference: str, path: Path) -> Base:
    """Layers of the first image in an OCI archive, extracted once into the cache."""
    with tarfile.open(path) as tar:

        def read_json(name: str) -> dict[str, Any]:
            member = tar.extractfile(name.removeprefix("./"))
            if member is None:
                raise AssembleError(f"[image] base: {name} missing in {path}")
            return json.load(member)

        index = read_json("index.json")
        manifest = read_json(_blob_name(index["manifests"][0]["digest"]))
        config = read_json(_blob_name(manifest["config"]["digest"]))
        diff_ids = config.get("rootfs", {}).get("diff_ids", [])
        layers = []
        for i, desc in enumerate(manifest["layers"]):
            digest = desc["digest"]
            cached = cache_dir("layers") / (digest.replace("sha256:", "") + ".blob")
            if not cached.exists():
                member = tar.extractfile(_blob_name(digest))
                if member is None:
                    raise AssembleError(f"[image] base: layer {digest} missing in {path}")
                with cached.open("wb") as out:
                    shutil.copyfileobj(member, out, 1 << 20)
            touch(cached)
            if "sha256:" + sha256_file(cached) != digest:
                raise AssembleError(f"[image] base: layer {digest} of {path} is corrupt")
            layers.append(
                Blob(digest, desc["size"], desc["mediaType"], path=cached, diff_id=diff_ids[i])
            )
    env = tuple(config.get("config", {}).get("Env", []))
    return Base(reference, tuple(layers), env=env, config=config)


def _blob_name(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    return f"blobs/{algorithm}/{hexdigest}"
