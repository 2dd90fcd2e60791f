"""Stage: the edition's wheel and sdist, built by poetry-core; the wheel joins the wheelhouse
with a hash-pinned requirements file of all of it:

pip install --no-index --find-links wheelhouse --require-hashes -r requirements.txt
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from assembler.errors import AssembleError
from assembler.hashing import sha256_file
from assembler.poetry import poetry_build
from assembler.stages.context import BuildContext
from assembler.stages.project import ProjectResult
from assembler.stages.wheelhouse import WheelEntry, WheelhouseResult


@dataclass(frozen=True)
class EditionResult:
    wheel: Path  # in the output's top folder
    sdist: Path
    wheels: tuple[WheelEntry, ...]  # the whole wheelhouse, the edition's wheel last
    requirements: Path


def build_edition(
    ctx: BuildContext, project: ProjectResult, wheelhouse: WheelhouseResult
) -> EditionResult:
    """Stage: the lock is copied beside the distributions it pinned."""
    edition, stage = ctx.manifest.edition, ctx.paths.stage
    wheel, sdist = build_distributions(project.folder, stage, epoch=ctx.epoch)
    in_house = wheelhouse.folder / wheel.name
    shutil.copyfile(wheel, in_house)
    entry = WheelEntry(
        edition.name, edition.version, in_house, sha256_file(wheel), "edition", "project"
    )
    shutil.copyfile(ctx.lock.path, stage / ctx.lock.path.name)
    wheels = (*wheelhouse.wheels, entry)
    write_requirements(ctx.paths.requirements, wheels, edition.name)
    return EditionResult(wheel, sdist, wheels, ctx.paths.requirements)


def build_distributions(project: Path, out: Path, *, epoch: int) -> tuple[Path, Path]:
    """(wheel, sdist) of the generated project."""
    built = poetry_build(project, out, epoch=epoch, kinds=("wheel", "sdist"))
    if not built.ok:
        raise AssembleError(f"poetry-core could not build the edition: {built.error}")
    return built.files["wheel"], built.files["sdist"]


def write_requirements(path: Path, wheels: tuple[WheelEntry, ...], edition: str) -> None:
    """Every wheel pinned by version and sha256: an install checks each file."""
    lines = [
        f"# Every wheel of the wheelhouse of {edition}, pinned and hashed by `assemble build`."
    ]
    for wheel in sorted(wheels, key=lambda w: canonicalize_name(w.name)):
        lines.append(
            f"{canonicalize_name(wheel.name)}=={wheel.version} --hash=sha256:{wheel.sha256}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
