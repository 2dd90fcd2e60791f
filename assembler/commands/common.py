"""What every subcommand shares: the console (stderr) and the manifest argument."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True, highlight=False)
ManifestArg = Annotated[Path, typer.Argument(help="The edition's manifest.toml.")]
OK = "[green]\u2713[/]"
