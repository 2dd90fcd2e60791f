"""``assemble build``: manifest -> lock -> wheelhouse -> edition project -> wheel, sdist, image.

Everything is written into a staging folder first and published in one swap at the end.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from assembler.docker import write_context
from assembler.errors import AssembleError
from assembler.freshness import lock_is_current, require_current
from assembler.hashing import sha256_file
from assembler.lock import lock
from assembler.locked import read_lock
from assembler.manifest import load_manifest
from assembler.oci.image import build_image, prepare_base
from assembler.output import staged_output
from assembler.progress import Steps
from assembler.project import build_distributions, generate
from assembler.report import edition_report, summary, write_report
from assembler.requirements import write_requirements
from assembler.sbom import write_sbom
from assembler.target import Target
from assembler.wheelhouse import WheelEntry, Wheelhouse

DEFAULT_EPOCH = 315532800  # 1980-01-01, the earliest time a zip file can hold


def source_date_epoch() -> int:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    try:
        return int(raw) if raw else DEFAULT_EPOCH
    except ValueError:
        raise AssembleError(f"SOURCE_DATE_EPOCH={raw!r} is not a number of seconds") from None


@dataclass(frozen=True)
class Options:
    out: Path
    locked: bool = False
    image: bool = True


def build(manifest_path: Path, options: Options, console: Console) -> dict[str, Any]:
    steps = Steps(console)
    manifest = load_manifest(manifest_path)
    epoch = source_date_epoch()
    edition = manifest.edition
    with steps.step("lock", "lock"):
        if options.locked:
            require_current(manifest)
            steps.note("lock", "(--locked: current)")
        elif lock_is_current(manifest):
            steps.note("lock", "(current)")
        else:
            lock(manifest)
            steps.note("lock", f"(wrote {manifest.lock_path.name})")
        locked = read_lock(manifest.lock_path)
    target = Target(locked.python, locked.platform)
    base = None
    if options.image:
        if not manifest.image.base:
            raise manifest.error(
                "no base image: set [image] base, or build with --no-image", "image"
            )
        with steps.step("base", "base image"):
            base = prepare_base(manifest)

    out = options.out.absolute()
    with staged_output(out) as stage:
        wheelhouse = stage / "wheelhouse"
        with steps.step(
            "wheelhouse", "wheelhouse (download, build modules, verify hashes)"
        ) as update:
            entries = Wheelhouse(locked, target, wheelhouse, epoch).fill(update)
            steps.note("wheelhouse", f"({len(entries)} wheels)")
        with steps.step("project", "generate the edition project"):
            modules = generate(manifest, locked, entries, stage / "project")
        with steps.step("edition", "build the edition wheel and sdist (poetry-core)"):
            wheel, sdist = build_distributions(stage / "project", stage, epoch=epoch)
            shutil.copyfile(wheel, wheelhouse / wheel.name)
            edition_entry = WheelEntry(
                edition.name,
                edition.version,
                wheelhouse / wheel.name,
                sha256_file(wheel),
                "edition",
                "project",
            )
            shutil.copyfile(manifest.lock_path, stage / manifest.lock_path.name)
        all_wheels = [*entries, edition_entry]
        write_requirements(stage / "requirements.txt", all_wheels, edition.name)
        with steps.step("docker", "Dockerfile and build context"):
            write_context(manifest, wheelhouse, stage / "requirements.txt", stage / "docker")
        image_info: dict[str, Any] | None = None
        if base is not None:
            with steps.step("image", "OCI image (base -> dependencies -> edition)"):
                archive = stage / f"{edition.name}-{edition.version}.oci.tar"
                result = build_image(
                    manifest,
                    base,
                    dependencies=[e.file for e in entries],
                    edition_wheel=wheel,
                    out=archive,
                    epoch=epoch,
                    lock_sha256=locked.sha256,
                )
                image_info = result.describe(manifest.image.base)
                steps.note("image", result.digest[:19] + "...")
        with steps.step("sbom", "SBOM and report"):
            write_sbom(
                stage / "sbom.cdx.json",
                manifest,
                all_wheels,
                lock_sha256=locked.sha256,
                epoch=epoch,
                image_digest=image_info["digest"] if image_info else "",
            )
        report = edition_report(
            manifest,
            locked,
            out=out,
            stage=stage,
            wheel=wheel,
            sdist=sdist,
            modules=modules,
            wheels=all_wheels,
            image=image_info,
            durations=steps.durations,
            epoch=epoch,
        )
        report["total_seconds"] = steps.total
        write_report(stage / "report.json", report)
    summary(console, report)
    return report
