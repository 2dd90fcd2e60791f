"""``assemble lock``: a resolution written as a PEP 751 ``pylock.toml`` with its stamp.

The ``[tool.propylon]`` stamp records what the lock was resolved from (the manifest's digest,
local projects' versions) and how the registry names each module, so later builds can tell
a stale lock and never have to resolve again.
"""

from __future__ import annotations

import os
from pathlib import Path

import tomlkit

from assembler import __version__
from assembler.lock.read import parse_lock
from assembler.lock.resolve import Resolution, Resolver, Wanted
from assembler.lock.wheels_only import foreign, require_wheels
from assembler.manifest import Manifest
from assembler.registry.pull import resolve_digest
from assembler.registry.reference import is_registry_reference
from assembler.sources import read_project

HEADER = "Written by `assemble lock` from {manifest}: do not edit, run `assemble lock` again.\n"


def render_lock(
    manifest: Manifest, resolution: Resolution, platform: str = "", base_digest: str = ""
) -> str:
    """The lock's text: uv's pylock with the stamp and a do-not-edit header. ``platform``:
    the OCI platform it is for (the edition's own by default); ``base_digest``: what a
    registry base's tag pointed at when locking."""
    platform = platform or manifest.platforms[0]
    doc = tomlkit.parse(resolution.pylock)
    names = {p["name"] for p in doc["packages"]}
    # A git module named by its url only: its name is the one uv found there.
    wanted = [w if w.distribution else _name_vcs(doc, w) for w in resolution.wanted]
    for w in wanted:
        if w.distribution not in names:
            assert w.module is not None
            raise manifest.error(
                f"{w.distribution} is missing from the resolution", "modules", w.module.name
            )
    tool = tomlkit.table()
    tool["assembler"] = f"propylon-assembler {__version__}"
    tool["manifest-digest"] = manifest.resolution_digest()
    tool["python"] = manifest.edition.python
    tool["platform"] = manifest.target_platform(platform)
    tool["core"] = resolution.core_version
    modules = tomlkit.table()
    for w in wanted:
        assert w.module is not None
        modules[w.module.name] = w.distribution
    tool["modules"] = modules
    local = tomlkit.table()
    for package in doc["packages"]:
        if "directory" in package:
            project = read_project((manifest.root / package["directory"]["path"]).resolve())
            local[package["name"]] = project.version
    tool["local-versions"] = local
    if base_digest:
        image = tomlkit.table()
        image["base"] = manifest.image.base
        image["base-digest"] = base_digest
        tool["image"] = image
    doc.setdefault("tool", tomlkit.table())["propylon"] = tool
    header = HEADER.format(manifest=manifest.path.name)
    return "".join(f"# {ln}\n" for ln in header.splitlines()) + tomlkit.dumps(doc)


def _name_vcs(doc: tomlkit.TOMLDocument, wanted: Wanted) -> Wanted:
    assert wanted.module is not None
    for package in doc["packages"]:
        vcs = package.get("vcs")
        if (
            vcs
            and wanted.module.git in str(vcs.get("url", ""))
            and wanted.module.subdirectory == str(vcs.get("subdirectory", "")).strip("/")
        ):
            return Wanted(wanted.requirement, wanted.module, package["name"])
    return wanted


def write_atomically(path: Path, text: str) -> None:
    """Replaces ``path`` in one rename: a killed lock leaves the previous one whole."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def lock(manifest: Manifest, *, upgrade: bool | tuple[str, ...] = ()) -> Path:
    """Resolves and writes the manifest's lock, one per image platform (the edition's own
    first, at ``lock_path``); ``upgrade`` as ``Resolver`` takes it. A registry base's tag is
    resolved to the digest every later build pulls."""
    base = manifest.image.base
    digest = resolve_digest(base) if base and is_registry_reference(base) else ""
    for platform in manifest.platforms:
        resolution = Resolver(manifest, upgrade=upgrade, platform=platform).resolve()
        text = render_lock(manifest, resolution, platform, digest)
        if platform != manifest.platforms[0] or foreign(platform):
            require_wheels(manifest, parse_lock(text, manifest.lock_path_for(platform)), platform)
        write_atomically(manifest.lock_path_for(platform), text)
    return manifest.lock_path
