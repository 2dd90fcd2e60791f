"""Writes an OCI image layout as a tar archive (what ``podman load`` and ``docker load`` read).

The archive itself is deterministic too: sorted entries, fixed times and owners.
"""

from __future__ import annotations

import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembler.image.oci.blob import Blob
from assembler.image.oci.layer import sha256

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def json_blob(value: Any, media_type: str) -> Blob:
    data = _json(value)
    return Blob(sha256(data), len(data), media_type, data=data)


@dataclass(frozen=True)
class PlatformImage:
    """One platform's image: its config and layers, and where it runs (``linux/arm64``)."""

    platform: str
    config: dict[str, Any]
    layers: tuple[Blob, ...]


def image_manifest(image: PlatformImage, annotations: dict[str, str]) -> tuple[Blob, Blob]:
    """(manifest, config) blobs of one platform's image."""
    config_blob = json_blob(image.config, CONFIG)
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": config_blob.descriptor(),
        "layers": [layer.descriptor() for layer in image.layers],
        "annotations": annotations,
    }
    return json_blob(manifest, MANIFEST), config_blob


def write_archive(
    path: Path,
    *,
    images: list[PlatformImage],
    tags: list[str],
    annotations: dict[str, str],
    mtime: int,
) -> tuple[str, tuple[str, ...]]:
    """Writes the archive; returns the image digest (the index's for several platforms) and
    each platform's manifest digest."""
    blobs: dict[str, Blob] = {}
    manifests = []
    for image in images:
        manifest_blob, config_blob = image_manifest(image, annotations)
        blobs.update({b.digest: b for b in [config_blob, manifest_blob, *image.layers]})
        os_name, _, arch = image.platform.partition("/")
        descriptor = dict(manifest_blob.descriptor())
        descriptor["platform"] = {"architecture": arch, "os": os_name}
        manifests.append((manifest_blob, descriptor))
    top = manifests[0][0]
    if len(images) > 1:
        index_doc = {
            "schemaVersion": 2,
            "mediaType": INDEX,
            "manifests": [d for _, d in manifests],
            "annotations": annotations,
        }
        top = json_blob(index_doc, INDEX)
        blobs[top.digest] = top
    # One entry: engines refuse an archive listing the image twice. It carries the first tag;
    # the others are recorded beside it for `podman tag` (OCI gives one name per entry).
    entry: dict[str, Any] = dict(top.descriptor())
    if tags:
        entry["annotations"] = {"org.opencontainers.image.ref.name": tags[0]}
        if len(tags) > 1:
            entry["annotations"]["io.propylon.image.tags"] = ",".join(tags)
    index = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [entry]}
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:

        def add(
            name: str, data: bytes | None = None, source: Path | None = None, size: int = 0
        ) -> None:
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "root", "root"
            if data is None and source is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
                return
            info.mode = 0o644
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                assert source is not None
                info.size = size
                with source.open("rb") as f:
                    tar.addfile(info, f)

        add("blobs")
        add("blobs/sha256")
        for digest in sorted(blobs):
            blob = blobs[digest]
            name = "blobs/sha256/" + digest.removeprefix("sha256:")
            add(name, data=blob.data, source=blob.path, size=blob.size)
        add("index.json", data=_json(index))
        add("oci-layout", data=_json({"imageLayoutVersion": "1.0.0"}))
    return top.digest, tuple(m.digest for m, _ in manifests)
