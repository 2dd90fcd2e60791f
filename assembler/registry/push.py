"""Uploads a built image to its tags: every blob first (skipped when the registry has it,
mounted from another repository of the same registry when it can), each platform's manifest
by digest, and the tag's manifest last, so a failed push never leaves a tag pointing at
missing content and nothing is reported pushed before the registry holds it whole.
"""

from __future__ import annotations

import functools
import json
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console

from assembler.errors import AssembleError
from assembler.progress import Steps, bar
from assembler.registry.blobs import push_blob, put_manifest
from assembler.registry.reference import parse_reference
from assembler.registry.transport import Repository

INDEX_TYPES = ("application/vnd.oci.image.index.v1+json",)


@dataclass(frozen=True)
class Pushed:
    reference: str  # registry/name:tag
    digest: str


class _Archive:
    """An OCI archive written by ``assemble build``: its top manifest, children and blobs."""

    def __init__(self, path: Path, tar: tarfile.TarFile) -> None:
        self.path, self.tar = path, tar

    def read(self, digest: str) -> bytes:
        member = self.open(digest)
        with member:
            return member.read()

    def open(self, digest: str) -> IO[bytes]:
        try:
            member = self.tar.extractfile("blobs/sha256/" + digest.removeprefix("sha256:"))
        except KeyError:
            member = None
        if member is None:
            raise AssembleError(f"{self.path}: blob {digest} missing")
        return member

    def top(self) -> dict[str, Any]:
        member = self.tar.extractfile("index.json")
        if member is None:
            raise AssembleError(f"{self.path}: no index.json")
        return json.load(member)["manifests"][0]


def push_archive(archive: Path, tags: list[str], update: Callable[[str], None]) -> list[Pushed]:
    """Pushes the archive's image to every tag; the digest each tag now points at."""
    if not tags:
        raise AssembleError("no [image] tags to push to")
    with tarfile.open(archive) as tar:
        return _push(_Archive(archive, tar), tags, update)


def _push(source: _Archive, tags: list[str], update: Callable[[str], None]) -> list[Pushed]:
    top = source.top()
    top_bytes = source.read(top["digest"])
    top_doc = json.loads(top_bytes)
    children: list[tuple[str, bytes, str]] = []  # (digest, bytes, media type)
    if top["mediaType"] in INDEX_TYPES:
        for entry in top_doc["manifests"]:
            children.append((entry["digest"], source.read(entry["digest"]), entry["mediaType"]))
    else:
        children.append((top["digest"], top_bytes, top["mediaType"]))
    blobs: dict[str, int] = {}
    for _, data, _ in children:
        doc = json.loads(data)
        for desc in [doc["config"], *doc["layers"]]:
            blobs[desc["digest"]] = int(desc["size"])
    total = sum(blobs.values())
    pushed: list[Pushed] = []
    first_repository: dict[str, str] = {}  # registry -> a repository already holding the blobs
    for tag in tags:
        ref = parse_reference(tag)
        repo = Repository(ref.registry, ref.repository, push=True)
        mount_from = first_repository.get(ref.registry, "")
        if mount_from:
            repo.mounts.append(mount_from)
        done = 0
        for digest, size in blobs.items():

            def progress(now: int, _all: int, before: int = done, tag: str = tag) -> None:
                update(f"{tag} {bar(before + now, total)}")

            push_blob(
                repo, digest, size, functools.partial(source.open, digest), progress, mount_from
            )
            done += size
        for digest, data, media_type in children:
            if digest != top["digest"]:
                put_manifest(repo, digest, data, media_type)
        digest = put_manifest(repo, ref.tag or "latest", top_bytes, top["mediaType"])
        first_repository.setdefault(ref.registry, ref.repository)
        pushed.append(Pushed(f"{ref.registry}/{ref.repository}:{ref.tag or 'latest'}", digest))
    return pushed


def push_output(out: Path, console: Console) -> list[Pushed]:
    """``assemble push DIR``: the image of the build in ``DIR`` to its tags."""
    report_path = out / "report.json"
    if not report_path.is_file():
        raise AssembleError(f"{out} is not the output of assemble build (no report.json)")
    report = json.loads(report_path.read_text())
    image = report.get("image")
    if not image:
        raise AssembleError(f"{out}: the build made no image (built with --no-image)")
    steps = Steps(console)
    with steps.step("push", "push") as update:
        pushed = push_archive(out / image["archive"], list(image["tags"]), update)
    for one in pushed:  # on stdout, for scripts: what each tag now points at
        print(f"pushed {one.reference}@{one.digest}", flush=True)
    return pushed
