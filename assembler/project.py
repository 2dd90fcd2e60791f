"""Generates the edition project (pyproject, package, registry, CLI) and builds it.

The project is plain poetry-core: anyone can rebuild it from the sdist with any frontend.
Its dependencies pin every locked distribution exactly, so installing the edition from the
wheelhouse reproduces the lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from assembler.entrypoints import module_entry_points
from assembler.errors import AssembleError
from assembler.locked import Lock
from assembler.manifest import Manifest
from assembler.templates import render
from assembler.wheelhouse import WheelEntry

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
    name: str
    distribution: str
    version: str
    import_module: str
    import_name: str
    attr_path: str


def registry_entries(
    lock: Lock, wheels: dict[str, WheelEntry], manifest: Manifest
) -> list[RegistryEntry]:
    entries = []
    for name, dist in lock.modules.items():
        wheel = wheels.get(canonicalize_name(dist))
        if wheel is None:
            raise manifest.error(f"{dist} is not in the wheelhouse", "modules", name)
        points = module_entry_points(wheel.file)
        if not points:
            raise manifest.error(
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


def check_package(manifest: Manifest, modules: list[RegistryEntry]) -> None:
    """The edition's own package may not hide a module's: the registry imports both."""
    for entry in modules:
        if entry.import_module.split(".")[0] == manifest.edition.package:
            raise manifest.error(
                f"the edition's package {manifest.edition.package!r} is also the package of "
                f"module {entry.name}: set another [edition] package",
                "edition",
                "package",
            )


def pins(lock: Lock) -> list[str]:
    pinned = []
    for package in lock.packages:
        line = f"{package.name}=={package.version}"
        if package.marker:
            line += f" ; {package.marker}"
        pinned.append(line)
    return pinned


def generate(
    manifest: Manifest, lock: Lock, wheels: list[WheelEntry], out: Path
) -> list[RegistryEntry]:
    by_name = {canonicalize_name(w.name): w for w in wheels}
    modules = registry_entries(lock, by_name, manifest)
    check_package(manifest, modules)
    context = {
        "edition": manifest.edition,
        "manifest_name": manifest.path.name,
        "modules": modules,
        "core_version": lock.core_version,
        "pins": pins(lock),
        "locked": sorted((p.name, p.version) for p in lock.packages),
    }
    for target, template in FILES.items():
        path = out / target.format(package=manifest.edition.package)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(template, **context), encoding="utf-8")
    return modules


BUILD = """
import sys
from poetry.core.masonry import api
out = sys.argv[1]
print(api.build_wheel(out))
print(api.build_sdist(out))
"""


def build_distributions(project: Path, out: Path, *, epoch: int) -> tuple[Path, Path]:
    """(wheel, sdist) of the generated project, built in-process by poetry-core."""
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    result = subprocess.run(
        [sys.executable, "-c", BUILD, str(out)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        tail = " ".join(result.stderr.strip().splitlines()[-3:])
        raise AssembleError(f"poetry-core could not build the edition: {tail}")
    wheel_name, sdist_name = result.stdout.split()[-2:]
    return out / wheel_name, out / sdist_name
