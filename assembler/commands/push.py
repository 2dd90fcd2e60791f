"""``assemble push DIR``: uploads a build's image to the registries of its tags."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assembler.commands.common import console
from assembler.registry.push import push_output


def push_command(
    out: Annotated[Path, typer.Argument(help="The output folder of assemble build.")] = Path(
        "dist"
    ),
) -> None:
    """Push the built image to its [image] tags (blobs first, manifest last)."""
    push_output(out, console)
