"""``assemble verify OUT``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from assembler.commands.common import OK, console
from assembler.stages.verify import verify


def verify_command(
    out: Annotated[Path, typer.Argument(help="A build output folder.")] = Path("dist"),
) -> None:
    """Check a build output against its report: hashes, extra files, image blobs."""
    result = verify(out)
    console.print(f"{OK} {escape(str(result.out))}: {result.files} files match report.json")
