"""``assemble upgrade``: relocks to the newest allowed versions and says what changed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from assembler.errors import AssembleError
from assembler.lock.diff import Changes, compare
from assembler.lock.read import read_lock
from assembler.lock.write import lock
from assembler.manifest import Manifest


def upgrade(manifest: Manifest, names: tuple[str, ...]) -> Changes:
    """Relocks everything, or only the named modules or distributions (with what they need)."""
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
        return compare(read_lock(before), read_lock(manifest.lock_path))
