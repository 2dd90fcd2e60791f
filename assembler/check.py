"""``assemble check``: the manifest is valid, the lock current, every module fits the core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assembler.entrypoints import GROUP
from assembler.errors import AssembleError
from assembler.freshness import staleness
from assembler.lock import CORE_DISTRIBUTION, Resolver
from assembler.locked import read_lock
from assembler.manifest import load_manifest
from assembler.tomlfile import read_toml


def declares_entry_point(folder: Path) -> bool:
    """Whether a source project declares a ``propylon.modules`` entry point (static metadata)."""
    try:
        project = read_toml(folder / "pyproject.toml", missing="no pyproject.toml").data
    except AssembleError:
        return False

    def table(value: Any, *keys: str) -> dict[str, Any]:
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value if isinstance(value, dict) else {}

    points = table(project, "project", "entry-points")
    poetry = table(project, "tool", "poetry", "plugins")
    return bool(points.get(GROUP) or poetry.get(GROUP))


def check(manifest_path: str, console: Console) -> None:
    manifest = load_manifest(manifest_path)
    reason = staleness(manifest)
    if reason is not None:
        raise AssembleError(f"the lock is not current: {reason}", file=manifest.lock_path)
    locked = read_lock(manifest.lock_path)
    resolver = Resolver(manifest)
    core, _ = resolver.core()
    pin = [f"{CORE_DISTRIBUTION}=={locked.core_version}"]
    table = Table(title=f"{manifest.edition.name} {manifest.edition.version}", title_justify="left")
    for column in ("module", "distribution", "version", f"propylon-core {locked.core_version}"):
        table.add_column(column)
    for module in manifest.modules:
        if module.kind == "path" and module.path and not declares_entry_point(module.path):
            raise manifest.error(
                f"{module.path} declares no '{GROUP}' entry point: it is not a Propylon module",
                "modules",
                module.name,
                "path",
            )
        wanted = resolver.module(module)
        ok, reason = resolver.compile([core.requirement, wanted.requirement], pin)
        if not ok:
            raise manifest.error(
                f"module {module.name} is not compatible with propylon-core "
                f"{locked.core_version}: {reason}",
                "modules",
                module.name,
            )
        dist = locked.modules.get(module.name, wanted.distribution)
        table.add_row(module.name, dist, locked.package(dist).version, "compatible")
    console.print(table)
    console.print(
        f"[green]\u2713[/] {escape(manifest.path.name)}: valid, lock current, modules compatible"
    )
