"""Whether a lock still matches its manifest and the local sources it was resolved from.

``--locked`` builds refuse a stale lock; plain builds relock.
"""

from __future__ import annotations

from typing import Any

from assembler.errors import AssembleError
from assembler.manifest import Manifest
from assembler.sources import read_project
from assembler.tomlfile import read_toml


def _table(value: Any, key: str) -> dict[str, Any]:
    found = value.get(key, {}) if isinstance(value, dict) else {}
    return found if isinstance(found, dict) else {}


def staleness(manifest: Manifest) -> str | None:
    """Why the lock no longer matches the manifest (or a local source's version), or None."""
    path = manifest.lock_path
    if not path.is_file():
        return f"no lock beside {manifest.path.name}"
    try:
        data = read_toml(path, missing="no lock").data
    except AssembleError as exc:
        return f"{path.name} is not a valid lock ({exc.message})"
    tool = _table(_table(data, "tool"), "propylon")
    if tool.get("manifest-digest") != manifest.resolution_digest():
        return f"{manifest.path.name} changed since the lock was written"
    versions = _table(tool, "local-versions")
    packages = data.get("packages", [])
    for package in packages if isinstance(packages, list) else []:
        directory = _table(package, "directory").get("path")
        if isinstance(directory, str):
            folder = (manifest.root / directory).resolve()
            if not (folder / "pyproject.toml").is_file():
                return f"{package['name']}: {folder} is gone"
            now = read_project(folder).version
            if versions.get(package["name"]) != now:
                was = versions.get(package["name"])
                return f"{package['name']} in {folder} is now {now}, the lock has {was}"
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
