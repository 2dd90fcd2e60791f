"""Moving blobs and manifests: content-addressed, every byte checked against its digest.

Pulled blobs are kept in the assembler's cache under their digest and checked again each
time they are used, so a blob changed on disk is refused rather than built into an image.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from assembler.cache import cache_dir, touch
from assembler.errors import AssembleError
from assembler.hashing import sha256_file
from assembler.registry.transport import RegistryError, Repository

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)
CHUNK = 1 << 20
MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)


def _digest_hex(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    if algorithm != "sha256" or len(hexdigest) != 64:
        raise AssembleError(f"unsupported digest {digest!r} (sha256 only)")
    return hexdigest


def get_manifest(repo: Repository, target: str) -> tuple[bytes, str, str]:
    """(bytes, media type, digest) of the manifest or index at a tag or digest."""
    try:
        response = repo.request(
            "GET",
            f"/manifests/{target}",
            headers={"Accept": ", ".join(MANIFEST_TYPES)},
            what=f"manifest {target}",
        )
    except RegistryError as exc:
        if exc.status == 404:
            kind = "digest" if target.startswith("sha256:") else "tag"
            raise AssembleError(f"{repo.host}/{repo.name}: unknown {kind} {target}") from None
        raise
    with response:
        data = response.read()
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    if target.startswith("sha256:") and digest != target:
        raise AssembleError(
            f"{repo.host}/{repo.name}: the manifest served for {target} has digest {digest}: "
            "refusing it"
        )
    return data, media_type, digest


def cached_blob(digest: str) -> Path:
    return cache_dir("blobs", "sha256") / _digest_hex(digest)


def verified_cached_blob(digest: str) -> Path | None:
    """The cached blob, checked; None when absent; refused when its content changed."""
    path = cached_blob(digest)
    if not path.exists():
        return None
    actual = "sha256:" + sha256_file(path)
    if actual != digest:
        raise AssembleError(
            f"cached blob {path} does not match its digest {digest[:19]}... (it is "
            f"{actual[:19]}...): it was changed on disk; refusing it (delete it to pull again)"
        )
    touch(path)
    return path


def fetch_blob(repo: Repository, digest: str, size: int, progress: Progress) -> Path:
    """The blob from the cache, or pulled into it, verified against ``digest``."""
    found = verified_cached_blob(digest)
    if found is not None:
        progress(size, size)
        return found
    path = cached_blob(digest)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    hasher, done = hashlib.sha256(), 0
    response = repo.request("GET", f"/blobs/{digest}", what=f"blob {digest[:19]}...")
    with response, part.open("wb") as out:
        for chunk in iter(lambda: response.read(CHUNK), b""):
            hasher.update(chunk)
            out.write(chunk)
            done += len(chunk)
            progress(done, size)
    actual = "sha256:" + hasher.hexdigest()
    if actual != digest:
        part.unlink(missing_ok=True)
        raise AssembleError(
            f"{repo.host}/{repo.name}: blob {digest} arrived with digest {actual}: digest "
            "mismatch, refusing it"
        )
    os.replace(part, path)
    return path


def has_blob(repo: Repository, digest: str) -> bool:
    response = repo.request("HEAD", f"/blobs/{digest}", ok=(200, 404), what="blob check")
    with response:
        return response.status == 200


def push_blob(
    repo: Repository,
    digest: str,
    size: int,
    open_blob: Callable[[], IO[bytes]],
    progress: Progress,
    mount_from: str = "",
) -> str:
    """Uploads a blob unless the registry has it: ``skipped``, ``mounted`` or ``uploaded``."""
    if has_blob(repo, digest):
        progress(size, size)
        return "skipped"
    start = "/blobs/uploads/"
    if mount_from and mount_from != repo.name:
        start += f"?mount={digest}&from={mount_from}"
    response = repo.request("POST", start, ok=(201, 202), what="upload start")
    with response:
        location = response.headers.get("Location", "")
        status = response.status
    if status == 201:
        progress(size, size)
        return "mounted"
    if not location:
        raise AssembleError(f"{repo.host}/{repo.name}: the upload started with no Location")
    location = _absolute(repo, location)
    separator = "&" if "?" in location else "?"
    with open_blob() as source:
        body = _Counting(source, size, progress)
        response = repo.request(
            "PUT",
            f"{location}{separator}digest={digest}",
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
            body=body,  # type: ignore[arg-type]
            ok=(201,),
            what=f"upload of {digest[:19]}...",
        )
        response.close()
    return "uploaded"


def put_manifest(repo: Repository, reference: str, data: bytes, media_type: str) -> str:
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    response = repo.request(
        "PUT",
        f"/manifests/{reference}",
        headers={"Content-Type": media_type},
        body=data,
        ok=(201,),
        what=f"manifest {reference}",
    )
    with response:
        given = response.headers.get("Docker-Content-Digest", digest)
    if given != digest:
        raise AssembleError(
            f"{repo.host}/{repo.name}: stored the manifest as {given}, not {digest}"
        )
    return digest


def _absolute(repo: Repository, location: str) -> str:
    if location.startswith(("http://", "https://")):
        return location
    root = repo.base.split("/v2/", 1)[0]
    return root + location


class _Counting:
    """A readable body that reports how much was sent."""

    def __init__(self, source: IO[bytes], size: int, progress: Progress) -> None:
        self.source, self.size, self.progress, self.done = source, size, progress, 0

    def read(self, n: int = -1) -> bytes:
        data = self.source.read(CHUNK if n < 0 else n)
        self.done += len(data)
        self.progress(self.done, self.size)
        return data

    def seek(self, offset: int) -> None:
        self.source.seek(offset)
        self.done = offset
