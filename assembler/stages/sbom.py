"""Stage: a CycloneDX 1.5 SBOM of the edition: every distribution in it, with hashes and purls.

Deterministic like the rest of the build: the serial number derives from the lock.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from assembler import __version__
from assembler.image.compose import ImageResult
from assembler.manifest import Edition
from assembler.stages.context import BuildContext
from assembler.stages.distributions import EditionResult
from assembler.stages.wheelhouse import WheelEntry


@dataclass(frozen=True)
class SbomResult:
    path: Path


def write_edition_sbom(
    ctx: BuildContext, edition: EditionResult, image: ImageResult | None
) -> SbomResult:
    """Stage: ``sbom.cdx.json``, naming the image's digest when there is one."""
    write_sbom(
        ctx.paths.sbom,
        ctx.manifest.edition,
        edition.wheels,
        lock_sha256=ctx.lock.sha256,
        epoch=ctx.epoch,
        image_digest=image.digest if image is not None else "",
    )
    return SbomResult(ctx.paths.sbom)


def purl(name: str, version: str) -> str:
    """The package URL of a PyPI distribution, how SBOM consumers match advisories."""
    return f"pkg:pypi/{canonicalize_name(name)}@{version}"


def write_sbom(
    path: Path,
    edition: Edition,
    wheels: Iterable[WheelEntry],
    *,
    lock_sha256: str,
    epoch: int,
    image_digest: str = "",
) -> None:
    root_ref = purl(edition.name, edition.version)
    components = []
    for w in sorted(wheels, key=lambda w: canonicalize_name(w.name)):
        if canonicalize_name(w.name) == canonicalize_name(edition.name):
            continue
        components.append(
            {
                "type": "library",
                "bom-ref": purl(w.name, w.version),
                "name": w.name,
                "version": w.version,
                "purl": purl(w.name, w.version),
                "hashes": [{"alg": "SHA-256", "content": w.sha256}],
                "properties": [
                    {"name": "propylon:origin", "value": w.origin},
                    {"name": "propylon:file", "value": w.file.name},
                ],
            }
        )
    component: dict[str, Any] = {
        "type": "application",
        "bom-ref": root_ref,
        "name": edition.name,
        "version": edition.version,
        "purl": root_ref,
        "description": edition.description,
    }
    if image_digest:
        component["properties"] = [{"name": "propylon:image-digest", "value": image_digest}]
    timestamp = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": uuid.uuid5(uuid.NAMESPACE_URL, f"propylon:{lock_sha256}").urn,
        "version": 1,
        "metadata": {
            "timestamp": timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {
                "components": [
                    {"type": "application", "name": "propylon-assembler", "version": __version__}
                ]
            },
            "component": component,
        },
        "components": components,
        "dependencies": [{"ref": root_ref, "dependsOn": [c["bom-ref"] for c in components]}],
    }
    path.write_text(json.dumps(bom, indent=2) + "\n", encoding="utf-8")
