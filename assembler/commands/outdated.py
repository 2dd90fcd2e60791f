"""``assemble outdated MANIFEST`` and ``assemble upgrade MANIFEST [NAME...]``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assembler.commands.common import ManifestArg, console
from assembler.commands.diff import show
from assembler.lock.outdated import outdated
from assembler.lock.upgrade import upgrade
from assembler.manifest import load_manifest


def outdated_command(manifest: ManifestArg) -> None:
    """Show locked versions that newer releases could replace."""
    loaded = load_manifest(manifest)
    rows = outdated(loaded)
    if not rows:
        console.print(f"{escape(loaded.path.name)}: every locked version is the newest allowed")
        return
    table = Table(title=f"{loaded.edition.name}: outdated", title_justify="left")
    for column in ("distribution", "locked", "allowed", "latest"):
        table.add_column(column)
    for row in rows:
        table.add_row(row.name, row.locked, row.allowed, row.latest)
    console.print(table)
    console.print("`assemble upgrade MANIFEST [NAME]` relocks to the allowed versions")


def upgrade_command(
    manifest: ManifestArg,
    names: Annotated[
        list[str] | None, typer.Argument(help="Modules or distributions (default: everything).")
    ] = None,
) -> None:
    """Relock to the newest allowed versions, of everything or of the named modules only."""
    loaded = load_manifest(manifest)
    changes = upgrade(loaded, tuple(names or ()))
    show(changes, f"{escape(loaded.lock_path.name)} upgraded")
