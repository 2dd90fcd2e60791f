"""``assemble build MANIFEST``, and the summary table of what it built."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assembler.commands.common import ManifestArg, console
from assembler.stages.context import BuildOptions
from assembler.stages.pipeline import build
from assembler.stages.report import BuildReport


def build_command(
    manifest: ManifestArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("dist"),
    locked: Annotated[
        bool, typer.Option("--locked", help="Fail if the manifest changed since the lock.")
    ] = False,
    no_image: Annotated[bool, typer.Option("--no-image", help="Skip the OCI image.")] = False,
    push: Annotated[
        bool, typer.Option("--push", help="Then push the image to its [image] tags.")
    ] = False,
) -> None:
    """Build the edition: wheel, sdist, wheelhouse, Dockerfile, OCI image, deployment files,
    SBOM, report; with --push, upload the image."""
    if push and no_image:
        raise typer.BadParameter("--push needs the image: drop --no-image")
    options = BuildOptions(out=out, locked=locked, image=not no_image, push=push)
    report = build(manifest, options, console)
    summary(report)


def summary(report: BuildReport) -> None:
    table = Table(title=f"{report.edition} {report.version}", title_justify="left")
    table.add_column("output")
    table.add_column("detail")
    table.add_row("out", escape(str(report.out)))
    table.add_row("wheel", report.wheel)
    table.add_row("sdist", report.sdist)
    table.add_row("wheelhouse", f"{len(report.wheels)} wheels, hash-checked")
    for module in report.modules:
        table.add_row(f"module {module.name}", f"{module.distribution} {module.version}")
    if report.image is not None:
        image = report.image
        table.add_row("image", f"{image.path.name} {image.digest[:19]}...")
        if image.tags:
            first, others = image.tags[0], image.tags[1:]
            hint = "".join(f"; podman tag {first} {t}" for t in others)
            table.add_row("load", f"podman load -i {image.path.name} (as {first}){hint}")
    table.add_row("durations", ", ".join(f"{k} {v:.1f}s" for k, v in report.durations.items()))
    table.add_row("total", f"{report.total_seconds:.1f}s")
    console.print(table)
