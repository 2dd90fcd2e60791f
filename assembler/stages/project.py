"""Stage: the edition project (pyproject, package, registry, CLI) generated from templates.

The project is plain poetry-core: anyone can rebuild it from the sdist with any frontend.
Its dependencies pin every locked distribution exactly, so installing the edition from the
wheelhouse reproduces the lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from assembler.entrypoints import module_entry_points
from assembler.errors import Locator
from assembler.lock.model import Lock
from assembler.manifest import Edition
from assembler.render import render
from assembler.stages.context import BuildContext
from assembler.stages.wheelhouse import WheelEntry, WheelhouseResult

FILES = {
    "pyproject.toml": "edition/pyproject.toml.j2",
    "README.md": "edition/README.md.j2",
    "{package}/__init__.py": "edition/package/__init__.py.j2",
    "{package}/__main__.py": "edition/package/__main__.py.j2",
    "{package}/cli.py": "edition/package/cli.py.j2",
    "{package}/registry.py": "edition/package/registry.py.j2",
}


@dataclass(frozen=True)
class RegistryEntry:
    """One module object the generated registry imports, from one entry point."""

    name: str
    distribution: str
    version: str
    import_module: str
    import_name: str
    attr_path: str


@dataclass(frozen=True)
class ProjectResult:
    folder: Path
    modules: tuple[RegistryEntry, ...]  # in registry order


def generate_project(ctx: BuildContext, wheelhouse: WheelhouseResult) -> ProjectResult:
    """Stage: the registry is written from the modules' wheels, so it names exactly what the
    wheelhouse holds."""
    manifest = ctx.manifest
    modules = registry_entries(ctx.lock, wheelhouse.wheels, manifest.error)
    check_package(manifest.edition, modules, manifest.error)
    write_project(manifest.edition, manifest.path.name, ctx.lock, modules, ctx.paths.project)
    return ProjectResult(ctx.paths.project, tuple(modules))


def registry_entries(
    lock: Lock, wheels: Iterable[WheelEntry], error: Locator
) -> list[RegistryEntry]:
    """Each locked module's ``propylon.modules`` entry points, read from its wheel."""
    by_name = {canonicalize_name(w.name): w for w in wheels}
    entries = []
    for name, dist in lock.modules.items():
        wheel = by_name.get(canonicalize_name(dist))
        if wheel is None:
            raise error(f"{dist} is not in the wheelhouse", "modules", name)
        points = module_entry_points(wheel.file)
        if not points:
            raise error(
                f"{dist} {wheel.version} is not a Propylon module: no entry point in the "
                "'propylon.modules' group",
                "modules",
                name,
            )
        for ep in points:
            entries.append(
                RegistryEntry(name, dist, wheel.version, ep.module, ep.import_name, ep.attr_path)
            )
    return entries


def check_package(edition: Edition, modules: Iterable[RegistryEntry], error: Locator) -> None:
    """The edition's own package may not hide a module's: the registry imports both."""
    for entry in modules:
        if entry.import_module.split(".")[0] == edition.package:
            raise error(
                f"the edition's package {edition.package!r} is also the package of "
                f"module {entry.name}: set another [edition] package",
                "edition",
                "package",
            )


def pins(lock: Lock) -> list[str]:
    """``name==version ; marker`` of every locked distribution: the edition's dependencies."""
    pinned = []
    for package in lock.packages:
        line = f"{package.name}=={package.version}"
        if package.marker:
            line += f" ; {package.marker}"
        pinned.append(line)
    return pinned


def write_project(
    edition: Edition,
    manifest_name: str,
    lock: Lock,
    modules: Iterable[RegistryEntry],
    out: Path,
) -> None:
    """Renders every file of the project into ``out``."""
    context = {
        "edition": edition,
        "manifest_name": manifest_name,
        "modules": list(modules),
        "core_version": lock.core_version,
        "pins": pins(lock),
        "locked": sorted((p.name, p.version) for p in lock.packages),
    }
    for target, template in FILES.items():
        path = out / target.format(package=edition.package)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(template, **context), encoding="utf-8")
