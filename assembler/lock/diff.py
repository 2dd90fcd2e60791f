"""What changed between two locks, for reviewing an upgrade (``assemble diff``, ``upgrade``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version

from assembler.lock.model import Lock


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
    """Per distribution: added, removed, up- or downgraded, or the same version re-hashed."""
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
