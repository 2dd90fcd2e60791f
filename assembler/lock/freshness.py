"""Whether a lock still matches its manifest and the local sources it was resolved from.

``--locked`` builds refuse a stale lock; plain builds relock.
"""

from __future__ import annotations

from pathlib import Path

from assembler.errors import AssembleError
from assembler.lock.read import read_lock
from assembler.manifest import Manifest
from assembler.registry.reference import is_registry_reference
from assembler.sources import read_project


def staleness(manifest: Manifest) -> str | None:
    """Why a platform's lock no longer matches the manifest (or a local source's version),
    or None."""
    for platform in manifest.platforms:
        reason = _staleness(manifest, manifest.lock_path_for(platform))
        if reason is not None:
            return reason
    return None


def _staleness(manifest: Manifest, path: Path) -> str | None:
    if not path.is_file():
        return f"no lock beside {manifest.path.name}"
    try:
        lock = read_lock(path)
    except AssembleError as exc:
        return f"{path.name} is not a valid lock ({exc.message})"
    if lock.manifest_digest != manifest.resolution_digest():
        return f"{manifest.path.name} changed since the lock was written"
    base = manifest.image.base
    if base and is_registry_reference(base) and lock.base != base:
        return f"{path.name} records no digest for the base image {base}"
    for package in lock.packages:
        if package.directory:
            folder = (manifest.root / package.directory).resolve()
            if not (folder / "pyproject.toml").is_file():
                return f"{package.name}: {folder} is gone"
            now = read_project(folder).version
            was = lock.local_versions.get(package.name)
            if was != now:
                return f"{package.name} in {folder} is now {now}, the lock has {was}"
    return None


def lock_is_current(manifest: Manifest) -> bool:
    return staleness(manifest) is None


def require_current(manifest: Manifest) -> None:
    """``--locked``: the lock must exist and match the manifest."""
    reason = staleness(manifest)
    if reason is not None:
        raise AssembleError(
            f"--locked: {reason} (run `assemble lock {manifest.path.name}`)",
            file=manifest.lock_path,
        )
