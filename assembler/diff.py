"""``assemble diff OLD NEW``: what changed between two locks, for reviewing an upgrade."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assembler.locked import Lock, read_lock


@dataclass
class Changes:
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    upgraded: list[tuple[str, str, str]] = field(default_factory=list)
    downgraded: list[tuple[str, str, str]] = field(default_factory=list)
    rehashed: list[tuple[str, str]] = field(default_factory=list)  # same version, other files

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.upgraded or self.downgraded or self.rehashed)


def _hashes(lock: Lock) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for p in lock.packages:
        files = [*p.wheels, *(f for f in (p.sdist, p.archive) if f is not None)]
        found[p.name] = {f.sha256 for f in files if f.sha256}
    return found


def _newer(old: str, new: str) -> bool:
    try:
        return Version(new) > Version(old)
    except InvalidVersion:
        return new > old


def compare(old: Lock, new: Lock) -> Changes:
    before = {p.name: p.version for p in old.packages}
    after = {p.name: p.version for p in new.packages}
    old_hashes, new_hashes = _hashes(old), _hashes(new)
    changes = Changes()
    for name in sorted(after.keys() - before.keys()):
        changes.added.append((name, after[name]))
    for name in sorted(before.keys() - after.keys()):
        changes.removed.append((name, before[name]))
    for name in sorted(before.keys() & after.keys()):
        was, now = before[name], after[name]
        if was != now:
            target = changes.upgraded if _newer(was, now) else changes.downgraded
            target.append((name, was, now))
        elif old_hashes[name] != new_hashes[name]:
            changes.rehashed.append((name, now))
    if old.core_version != new.core_version and not any(
        c[0] == "propylon-core" for c in changes.upgraded + changes.downgraded
    ):
        changes.upgraded.append(("propylon-core", old.core_version, new.core_version))
    return changes


def show(console: Console, changes: Changes, title: str) -> None:
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


def diff(old: Path, new: Path, console: Console) -> Changes:
    changes = compare(read_lock(old), read_lock(new))
    show(console, changes, escape(f"{old} -> {new}"))
    return changes
