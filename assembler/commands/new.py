"""``assemble new edition|module|plugin``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from assembler.commands.common import OK, console
from assembler.scaffold import new

NAME_KEYS = {"edition": "edition_name", "module": "module_name", "plugin": "plugin_name"}


def new_command(
    kind: Annotated[str, typer.Argument(help="edition, module or plugin")],
    name: Annotated[str, typer.Option("--name", "-n", help="Name of the new project.")] = "",
    output_dir: Annotated[Path, typer.Option("--output-dir", "-o")] = Path("."),
    no_input: Annotated[bool, typer.Option("--no-input", help="Take the defaults.")] = False,
) -> None:
    """Start a company edition repository, a module or a plugin from a template."""
    context = {NAME_KEYS[kind]: name} if name and kind in NAME_KEYS else {}
    path = new(kind, output_dir, no_input=no_input, context=context)
    console.print(f"{OK} created {escape(str(path))}")
    if kind == "edition":
        console.print(f"next: cd {escape(str(path))} && assemble build manifest.toml --out dist")
