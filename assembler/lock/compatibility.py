"""``assemble check``: the lock is current and every module installs with the locked core."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assembler.entrypoints import GROUP
from assembler.errors import AssembleError
from assembler.lock.freshness import staleness
from assembler.lock.model import Lock
from assembler.lock.read import read_lock
from assembler.lock.resolve import Resolver
from assembler.manifest import CORE_DISTRIBUTION, Manifest
from assembler.pyproject import read_pyproject


@dataclass(frozen=True)
class CheckedModule:
    name: str
    distribution: str
    version: str


def declares_entry_point(folder: Path) -> bool:
    """Whether a source project declares a ``propylon.modules`` entry point (static metadata)."""
    try:
        return read_pyproject(folder).declares_entry_points(GROUP)
    except AssembleError:
        return False


def check_modules(manifest: Manifest) -> tuple[Lock, list[CheckedModule]]:
    """The current lock and each module, resolved alone against the locked core: a module
    that does not fit is named, with uv's reason."""
    reason = staleness(manifest)
    if reason is not None:
        raise AssembleError(f"the lock is not current: {reason}", file=manifest.lock_path)
    locked = read_lock(manifest.lock_path)
    resolver = Resolver(manifest)
    core, _ = resolver.core()
    pin = [f"{CORE_DISTRIBUTION}=={locked.core_version}"]
    checked = []
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
        checked.append(CheckedModule(module.name, dist, locked.package(dist).version))
    return locked, checked
