"""``assemble outdated``: which locked versions newer releases could replace.

"allowed" is what a fresh resolution of the manifest would pick (the newest versions its
ranges admit); "latest" is the newest release of a direct dependency, ranges ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from assembler.lock.read import parse_lock, read_lock, resolved_versions
from assembler.lock.resolve import Resolver
from assembler.lock.write import render_lock
from assembler.manifest import CORE_DISTRIBUTION, Manifest
from assembler.sources import read_project


@dataclass(frozen=True)
class Outdated:
    """One distribution whose locked version is not the newest; "-" where it has none."""

    name: str
    locked: str
    allowed: str
    latest: str


def latest(resolver: Resolver, manifest: Manifest) -> dict[str, str]:
    """Newest release of each direct dependency, whatever the manifest's ranges."""
    found: dict[str, str] = {}
    direct = [(CORE_DISTRIBUTION, manifest.core.path)]
    direct += [(m.distribution, m.path) for m in manifest.modules if m.kind in ("index", "path")]
    for dist, path in direct:
        if path is not None:
            found[read_project(path).name] = read_project(path).version
        elif dist in resolver.local:
            found[dist] = resolver.local[dist].version
        else:
            ok, out = resolver.compile([dist], extra=["--no-deps"])
            if ok:
                found[dist] = resolved_versions(out).get(dist, "")
    return found


def outdated(manifest: Manifest) -> list[Outdated]:
    """Every distribution whose allowed or latest version differs from the locked one."""
    locked = {p.name: p.version for p in read_lock(manifest.lock_path).packages}
    resolver = Resolver(manifest, upgrade=True)
    fresh = parse_lock(render_lock(manifest, resolver.resolve()), manifest.lock_path)
    allowed = {p.name: p.version for p in fresh.packages}
    newest = latest(resolver, manifest)
    rows = []
    for name in sorted(set(locked) | set(allowed)):
        now, can, top = locked.get(name, ""), allowed.get(name, ""), newest.get(name, "")
        if now != can or (top and top != now):
            rows.append(Outdated(name, now or "-", can or "-", top or ""))
    return rows
