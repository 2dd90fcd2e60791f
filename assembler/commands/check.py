"""``assemble check MANIFEST``."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from assembler.commands.common import OK, ManifestArg, console
from assembler.lock.compatibility import check_modules
from assembler.manifest import load_manifest


def check_command(manifest: ManifestArg) -> None:
    """Check the manifest, that the lock is current, and every module against the core."""
    loaded = load_manifest(manifest)
    locked, modules = check_modules(loaded)
    edition = loaded.edition
    table = Table(title=f"{edition.name} {edition.version}", title_justify="left")
    for column in ("module", "distribution", "version", f"propylon-core {locked.core_version}"):
        table.add_column(column)
    for module in modules:
        table.add_row(module.name, module.distribution, module.version, "compatible")
    console.print(table)
    console.print(f"{OK} {escape(loaded.path.name)}: valid, lock current, modules compatible")
