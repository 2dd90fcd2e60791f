"""What every build stage is given: the manifest, the lock, where to write, for which target."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assembler.errors import AssembleError
from assembler.lock.model import Lock
from assembler.manifest import Manifest
from assembler.target import Target

DEFAULT_EPOCH = 315532800  # 1980-01-01, the earliest time a zip file can hold


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH, or 1980: every timestamp of the build, so the same lock gives the
    same bytes."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        return int(raw) if raw else DEFAULT_EPOCH
    except ValueError:
        raise AssembleError(f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds") from None


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    locked: bool = False  # refuse a stale lock instead of relocking
    image: bool = True  # write the OCI image archive
    push: bool = False  # upload the image to its tags' registries


@dataclass(frozen=True)
class BuildPaths:
    """The output's layout. Stages write under ``stage``, which becomes ``out`` at the end."""

    out: Path
    stage: Path
    wheelhouse_name: str = "wheelhouse"  # wheelhouse-linux-arm64 for another platform's

    @property
    def wheelhouse(self) -> Path:
        return self.stage / self.wheelhouse_name

    @property
    def project(self) -> Path:
        return self.stage / "project"

    @property
    def docker(self) -> Path:
        return self.stage / "docker"

    @property
    def requirements(self) -> Path:
        return self.stage / "requirements.txt"

    @property
    def sbom(self) -> Path:
        return self.stage / "sbom.cdx.json"

    @property
    def report(self) -> Path:
        return self.stage / "report.json"


@dataclass(frozen=True)
class BuildContext:
    manifest: Manifest
    lock: Lock
    paths: BuildPaths
    target: Target
    options: BuildOptions
    epoch: int
