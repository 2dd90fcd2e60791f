"""Stage: the build report, what was built from what, with which tools, and how long each
step took. ``assemble verify`` checks an output against it before it is shipped."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from assembler import __version__
from assembler.hashing import sha256_file
from assembler.image.compose import ImageResult
from assembler.stages.context import BuildContext
from assembler.stages.distributions import EditionResult
from assembler.stages.project import ProjectResult, RegistryEntry
from assembler.stages.wheelhouse import WheelEntry
from assembler.uvtool import uv_version


@dataclass(frozen=True)
class Artifact:
    path: str  # relative to the output folder
    size: int
    sha256: str


@dataclass(frozen=True)
class BuildReport:
    edition: str
    version: str
    out: Path
    wheel: str
    sdist: str
    epoch: int
    python: str
    platform: str
    manifest: Path
    manifest_sha256: str
    lock: Path
    lock_sha256: str
    tools: dict[str, str]
    core: str
    modules: tuple[RegistryEntry, ...]  # one per manifest module
    wheels: tuple[WheelEntry, ...]
    image: ImageResult | None
    artifacts: tuple[Artifact, ...]
    durations: dict[str, float]
    total_seconds: float

    def as_json(self) -> dict[str, Any]:
        """``report.json``; its keys are a public format, kept as they are."""
        return {
            "edition": self.edition,
            "version": self.version,
            "out": str(self.out),
            "wheel": self.wheel,
            "sdist": self.sdist,
            "source_date_epoch": self.epoch,
            "target": {"python": self.python, "platform": self.platform},
            "inputs": {
                "manifest": {"path": str(self.manifest), "sha256": self.manifest_sha256},
                "lock": {"path": str(self.lock), "sha256": self.lock_sha256},
            },
            "tools": self.tools,
            "core": self.core,
            "modules": [
                {"name": m.name, "distribution": m.distribution, "version": m.version}
                for m in self.modules
            ],
            "wheelhouse": [w.describe() for w in self.wheels],
            "image": self.image.describe() if self.image is not None else None,
            "artifacts": [
                {"path": a.path, "size": a.size, "sha256": a.sha256} for a in self.artifacts
            ],
            "durations": self.durations,
            "total_seconds": self.total_seconds,
        }


def _version_of(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return ""


def tools() -> dict[str, str]:
    return {
        "propylon-assembler": __version__,
        "python": platform.python_version(),
        "uv": uv_version(),
        "poetry-core": _version_of("poetry-core"),
    }


def artifacts(staged: Path) -> tuple[Artifact, ...]:
    """Every file of the output but the wheelhouse copies, by its final path."""
    found = []
    for path in sorted(staged.rglob("*")):
        rel = path.relative_to(staged)
        if path.is_file() and rel.parts[0] not in ("project", "docker"):
            found.append(Artifact(str(rel), path.stat().st_size, sha256_file(path)))
    return tuple(found)


def write_build_report(
    ctx: BuildContext,
    project: ProjectResult,
    edition: EditionResult,
    image: ImageResult | None,
    durations: dict[str, float],
    total_seconds: float,
) -> BuildReport:
    """Stage: ``report.json``, written last, so its artifacts are every other file."""
    manifest, lock = ctx.manifest, ctx.lock
    report = BuildReport(
        edition=manifest.edition.name,
        version=manifest.edition.version,
        out=ctx.paths.out,
        wheel=edition.wheel.name,
        sdist=edition.sdist.name,
        epoch=ctx.epoch,
        python=lock.python,
        platform=lock.platform,
        manifest=manifest.path,
        manifest_sha256=sha256_file(manifest.path),
        lock=lock.path,
        lock_sha256=lock.sha256,
        tools=tools(),
        core=lock.core_version,
        modules=tuple({m.name: m for m in project.modules}.values()),
        wheels=tuple(sorted(edition.wheels, key=lambda w: canonicalize_name(w.name))),
        image=image,
        artifacts=artifacts(ctx.paths.stage),
        durations=durations,
        total_seconds=total_seconds,
    )
    ctx.paths.report.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
    return report
