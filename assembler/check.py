"""``assemble check``: the manifest is valid, the lock current, every module fits the core."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from assembler.errors import AssembleError
from assembler.freshness import staleness
from assembler.lock import CORE_DISTRIBUTION, Resolver
from assembler.locked import read_lock
from assembler.manifest import load_manifest


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
    console.print(f"[green]\u2713[/] {manifest.path.name}: valid, lock current, modules compatible")
