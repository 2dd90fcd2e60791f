"""``assemble outdated`` and ``assemble upgrade``: keeping an edition current with upstream.

"allowed" is what a fresh resolution of the manifest would pick (the newest versions its
ranges admit); "latest" is the newest release of a direct dependency, ranges ignored.
"""

from __future__ import annotations

import shutil
import tempfile
import tomllib
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assembler.diff import compare, show
from assembler.errors import AssembleError
from assembler.lock import CORE_DISTRIBUTION, Resolver, lock
from assembler.locked import read_lock
from assembler.manifest import Manifest, load_manifest
from assembler.sources import read_project


def _versions(pylock_text: str) -> dict[str, str]:
    data = tomllib.loads(pylock_text)
    local = data.get("tool", {}).get("propylon", {}).get("local-versions", {})
    return {p["name"]: p.get("version") or local.get(p["name"], "") for p in data["packages"]}


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
                found[dist] = _versions(out).get(dist, "")
    return found


def outdated(manifest_path: Path, console: Console) -> list[tuple[str, str, str, str]]:
    manifest = load_manifest(manifest_path)
    locked = {p.name: p.version for p in read_lock(manifest.lock_path).packages}
    resolver = Resolver(manifest, upgrade=True)
    allowed = _versions(resolver.resolve())
    newest = latest(resolver, manifest)
    rows = []
    for name in sorted(set(locked) | set(allowed)):
        now, can, top = locked.get(name, ""), allowed.get(name, ""), newest.get(name, "")
        if now != can or (top and top != now):
            rows.append((name, now or "-", can or "-", top or ""))
    if not rows:
        console.print(f"{escape(manifest.path.name)}: every locked version is the newest allowed")
        return rows
    table = Table(title=f"{manifest.edition.name}: outdated", title_justify="left")
    for column in ("distribution", "locked", "allowed", "latest"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print("`assemble upgrade MANIFEST [NAME]` relocks to the allowed versions")
    return rows


def upgrade(manifest_path: Path, names: tuple[str, ...], console: Console) -> None:
    manifest = load_manifest(manifest_path)
    if not manifest.lock_path.is_file():
        raise AssembleError(
            "no lock to upgrade: run `assemble lock` first", file=manifest.lock_path
        )
    modules = {m.name: m for m in manifest.modules}
    previous = read_lock(manifest.lock_path)
    known = {p.name for p in previous.packages}
    dists = []
    for name in names:
        dist = previous.modules.get(name) or (
            modules[name].distribution if name in modules else name
        )
        if dist not in known:
            raise AssembleError(
                f"{name!r} is neither a module of the manifest nor a locked distribution"
            )
        dists.append(dist)
    with tempfile.TemporaryDirectory(prefix="assemble-") as tmp:
        before = Path(tmp) / "pylock.toml"
        shutil.copyfile(manifest.lock_path, before)
        lock(manifest, upgrade=tuple(dists) if dists else True)
        changes = compare(read_lock(before), read_lock(manifest.lock_path))
    show(console, changes, f"{escape(manifest.lock_path.name)} upgraded")
