"""``assemble diff OLD NEW``, and the table of changes ``upgrade`` prints too."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from assembler.commands.common import console
from assembler.lock.diff import Changes, compare
from assembler.lock.read import read_lock


def diff_command(
    old: Annotated[Path, typer.Argument(help="The older pylock.toml.")],
    new: Annotated[Path, typer.Argument(help="The newer pylock.toml.")],
) -> None:
    """What was added, removed, upgraded or downgraded between two locks."""
    show(compare(read_lock(old), read_lock(new)), escape(f"{old} -> {new}"))


def show(changes: Changes, title: str) -> None:
    if changes.empty:
        console.print(f"{title}: no change")
        return
    table = Table(title=title, title_justify="left")
    for column in ("change", "distribution", "from", "to"):
        table.add_column(column)
    for name, version in changes.added:
        table.add_row("[green]added[/]", name, "", version)
    for name, version in changes.removed:
        table.add_row("[red]removed[/]", name, version, "")
    for name, was, now in changes.upgraded:
        table.add_row("upgraded", name, was, now)
    for name, was, now in changes.downgraded:
        table.add_row("[yellow]downgraded[/]", name, was, now)
    for name, version in changes.rehashed:
        table.add_row("[yellow]files changed[/]", name, version, version)
    console.print(table)
