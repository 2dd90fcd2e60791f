"""The ``assemble`` command: lock, build, check, new, outdated, upgrade, diff."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from assembler.errors import AssembleError, one_line

app = typer.Typer(
    name="assemble",
    help="Assemble custom Propylon gateway editions from a manifest: lock, build, image.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, highlight=False)
ManifestArg = Annotated[Path, typer.Argument(help="The edition's manifest.toml.")]


@app.command("lock")
def lock_command(manifest: ManifestArg) -> None:
    """Resolve the manifest into a hash-pinned PEP 751 pylock.toml beside it."""
    from assembler.lock import lock
    from assembler.locked import read_lock
    from assembler.manifest import load_manifest

    locked = read_lock(lock(load_manifest(manifest)))
    modules = ", ".join(f"{n} {locked.package(d).version}" for n, d in locked.modules.items())
    console.print(
        f"[green]\u2713[/] wrote {escape(str(locked.path))}: {len(locked.packages)} distributions for "
        f"Python {locked.python} on {locked.platform}; propylon-core {locked.core_version}"
        + (f"; modules {modules}" if modules else "")
    )


@app.command("build")
def build_command(
    manifest: ManifestArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("dist"),
    locked: Annotated[
        bool, typer.Option("--locked", help="Fail if the manifest changed since the lock.")
    ] = False,
    no_image: Annotated[bool, typer.Option("--no-image", help="Skip the OCI image.")] = False,
) -> None:
    """Build the edition: wheel, sdist, wheelhouse, Dockerfile, OCI image, SBOM, report."""
    from assembler.build import Options, build

    build(manifest, Options(out=out, locked=locked, image=not no_image), console)


@app.command("check")
def check_command(manifest: ManifestArg) -> None:
    """Check the manifest, that the lock is current, and every module against the core."""
    from assembler.check import check

    check(str(manifest), console)


@app.command("new")
def new_command(
    kind: Annotated[str, typer.Argument(help="edition, module or plugin")],
    name: Annotated[str, typer.Option("--name", "-n", help="Name of the new project.")] = "",
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o")] = Path("."),
    no_input: Annotated[bool, typer.Option("--no-input", help="Take the defaults.")] = False,
) -> None:
    """Start a company edition repository, a module or a plugin from a template."""
    from assembler.new import new

    keys = {"edition": "edition_name", "module": "module_name", "plugin": "plugin_name"}
    context = {keys[kind]: name} if name and kind in keys else {}
    path = new(kind, output_dir, no_input=no_input, context=context)
    console.print(f"[green]\u2713[/] created {escape(str(path))}")
    if kind == "edition":
        console.print(f"next: cd {escape(str(path))} && assemble build manifest.toml --out dist")


@app.command("outdated")
def outdated_command(manifest: ManifestArg) -> None:
    """Show locked versions that newer releases could replace."""
    from assembler.outdated import outdated

    outdated(manifest, console)


@app.command("upgrade")
def upgrade_command(
    manifest: ManifestArg,
    names: Annotated[
        list[str] | None, typer.Argument(help="Modules or distributions (default: everything).")
    ] = None,
) -> None:
    """Relock to the newest allowed versions, of everything or of the named modules only."""
    from assembler.outdated import upgrade

    upgrade(manifest, tuple(names or ()), console)


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(help="The older pylock.toml.")],
    new: Annotated[Path, typer.Argument(help="The newer pylock.toml.")],
) -> None:
    """What was added, removed, upgraded or downgraded between two locks."""
    from assembler.diff import diff

    diff(old, new, console)


@app.command("verify")
def verify_command(
    out: Annotated[Path, typer.Argument(help="A build output folder.")] = Path("dist"),
) -> None:
    """Check a build output against its report: hashes, extra files, image blobs."""
    from assembler.verify import verify

    verify(out, console)


def fail(message: str) -> None:
    """One line on stderr, whatever the message holds (markup, line breaks), and exit 1."""
    console.print(f"[red]error:[/] {escape(one_line(message))}", soft_wrap=True)
    sys.exit(1)


def main() -> None:
    try:
        app()
    except AssembleError as exc:
        fail(str(exc))
    except OSError as exc:  # a disk, permission or network problem: still one line
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        fail(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        console.print("[red]interrupted[/]: the previous output is unchanged")
        sys.exit(130)
