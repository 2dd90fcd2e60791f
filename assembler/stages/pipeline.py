"""``assemble build``: manifest -> lock -> wheelhouse -> edition project -> wheel, sdist,
Dockerfile, image, SBOM, report.

Each stage is a function of the build context and the results of the stages before it.
Everything is written into a staging folder first and published in one swap at the end.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from rich.console import Console

from assembler.deploy.write import write_deployment
from assembler.image.base import Base, prepare_base
from assembler.image.compose import ImageResult, build_oci_image
from assembler.image.dockerfile import write_docker_context
from assembler.lock.freshness import lock_is_current, require_current
from assembler.lock.model import Lock
from assembler.lock.read import read_lock
from assembler.lock.write import lock
from assembler.manifest import Manifest, load_manifest
from assembler.progress import Steps
from assembler.registry.push import push_output
from assembler.stages.context import BuildContext, BuildOptions, BuildPaths, source_date_epoch
from assembler.stages.distributions import build_edition
from assembler.stages.output import staged_output
from assembler.stages.project import generate_project
from assembler.stages.report import BuildReport, write_build_report
from assembler.stages.sbom import write_edition_sbom
from assembler.stages.wheelhouse import WheelhouseResult, fill_wheelhouse
from assembler.target import Target


def current_lock(manifest: Manifest, options: BuildOptions, steps: Steps) -> Lock:
    """The lock to build from: kept if current, refused if stale under ``--locked``, else
    written anew."""
    if options.locked:
        require_current(manifest)
        steps.note("lock", "(--locked: current)")
    elif lock_is_current(manifest):
        steps.note("lock", "(current)")
    else:
        lock(manifest)
        steps.note("lock", f"(wrote {manifest.lock_path.name})")
    return read_lock(manifest.lock_path)


def build(manifest_path: Path, options: BuildOptions, console: Console) -> BuildReport:
    """Runs every stage, showing progress on ``console``; the output appears only whole."""
    steps = Steps(console)
    manifest = load_manifest(manifest_path)
    epoch = source_date_epoch()
    with steps.step("lock", "lock"):
        locked = current_lock(manifest, options, steps)
    locks = {p: read_lock(manifest.lock_path_for(p)) for p in manifest.platforms}
    bases: dict[str, Base] = {}
    if options.image:
        image = manifest.image
        if not image.base:
            raise manifest.error(
                "no base image: set [image] base, or build with --no-image", "image"
            )
        with steps.step("base", "base image") as update:
            for platform in manifest.platforms:
                bases[platform] = prepare_base(
                    image.base,
                    manifest.edition.python,
                    manifest.root,
                    manifest.error,
                    digest=locks[platform].base_digest,
                    platform=platform,
                    update=update,
                )

    out = options.out.absolute()
    with staged_output(out) as stage:
        ctx = BuildContext(
            manifest=manifest,
            lock=locked,
            paths=BuildPaths(out=out, stage=stage),
            target=Target(locked.python, locked.platform),
            options=options,
            epoch=epoch,
        )
        wheelhouses: dict[str, WheelhouseResult] = {}
        for i, platform in enumerate(manifest.platforms):
            one = platform_context(ctx, locks[platform], platform, first=i == 0)
            title = "wheelhouse (download, build modules, verify hashes)"
            key = "wheelhouse" if i == 0 else f"wheelhouse {platform}"
            with steps.step(key, title if i == 0 else f"wheelhouse {platform}") as update:
                wheelhouses[platform] = fill_wheelhouse(one, update)
                steps.note(key, f"({len(wheelhouses[platform].wheels)} wheels)")
        wheelhouse = wheelhouses[manifest.platforms[0]]
        with steps.step("project", "generate the edition project"):
            project = generate_project(ctx, wheelhouse)
        with steps.step("edition", "build the edition wheel and sdist (poetry-core)"):
            edition = build_edition(ctx, project, wheelhouse)
            for platform in manifest.platforms[1:]:
                shutil.copyfile(locks[platform].path, stage / locks[platform].path.name)
        with steps.step("docker", "Dockerfile and build context"):
            write_docker_context(ctx, edition)
        oci: ImageResult | None = None
        if bases:
            with steps.step("image", "OCI image (base -> dependencies -> edition)"):
                oci = build_oci_image(ctx, bases, wheelhouses, edition)
                steps.note("image", oci.digest[:19] + "...")
        with steps.step("deploy", "deployment files (Kubernetes, compose)"):
            write_deployment(ctx, oci)
        with steps.step("sbom", "SBOM and report"):
            write_edition_sbom(ctx, edition, oci)
        report = write_build_report(ctx, project, edition, oci, steps.durations, steps.total)
    if options.push and oci is not None:
        push_output(out, console)
    return report


def platform_context(ctx: BuildContext, lock: Lock, platform: str, *, first: bool) -> BuildContext:
    """The build context of one platform: its lock, its target, its wheelhouse folder."""
    if first:
        return ctx
    name = "wheelhouse-" + platform.replace("/", "-")
    return dataclasses.replace(
        ctx,
        lock=lock,
        target=Target(lock.python, lock.platform),
        paths=dataclasses.replace(ctx.paths, wheelhouse_name=name),
    )
