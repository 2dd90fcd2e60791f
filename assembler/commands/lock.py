"""``assemble lock MANIFEST``."""

from __future__ import annotations

from rich.markup import escape

from assembler.commands.common import OK, ManifestArg, console
from assembler.lock.read import read_lock
from assembler.lock.write import lock
from assembler.manifest import load_manifest


def lock_command(manifest: ManifestArg) -> None:
    """Resolve the manifest into a hash-pinned PEP 751 pylock.toml beside it."""
    locked = read_lock(lock(load_manifest(manifest)))
    modules = ", ".join(f"{n} {locked.package(d).version}" for n, d in locked.modules.items())
    console.print(
        f"{OK} wrote {escape(str(locked.path))}: {len(locked.packages)} distributions for "
        f"Python {locked.python} on {locked.platform}; propylon-core {locked.core_version}"
        + (f"; modules {modules}" if modules else "")
    )
