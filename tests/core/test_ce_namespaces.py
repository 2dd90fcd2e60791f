"""The Community Edition handles every namespace the catalogue gives it: what its modules
declare (the entry points of the distributions editions/ce/manifest.toml lists) and the
core's, compared with the catalogue's CE namespaces (those it names a module for)."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from propylon.config.catalogue import CATALOGUE
from propylon.config.core_options import CORE
from propylon.modules.contract import ENTRY_POINT_GROUP

MANIFEST = Path(__file__).parents[2] / "editions" / "ce" / "manifest.toml"


def edition_modules() -> list[str]:
    return sorted(tomllib.loads(MANIFEST.read_text())["modules"])


def declared() -> tuple[dict[str, str], dict[str, str]]:
    """Namespace -> the module declaring it; module -> why it could not be read."""
    found = {namespace.name: "core" for namespace in CORE}
    broken: dict[str, str] = {}
    for name in edition_modules():
        try:
            dist = metadata.distribution(f"propylon-{name}")
        except metadata.PackageNotFoundError:
            broken[name] = f"propylon-{name} is not installed"
            continue
        points = [p for p in dist.entry_points if p.group == ENTRY_POINT_GROUP]
        if not points:
            broken[name] = f"propylon-{name} has no {ENTRY_POINT_GROUP} entry point"
        for point in points:
            try:
                module = point.load()
            except Exception as exc:  # a module that cannot load provides nothing
                broken[name] = f"{point.value} cannot be loaded: {exc}"
                continue
            for namespace in module.namespace_names:
                found[namespace] = module.name
    return found, broken


def catalogue_ce() -> dict[str, str]:
    return {name: entry.module for name, entry in CATALOGUE.items() if entry.module}


def test_every_ce_namespace_is_declared_by_a_module_of_the_edition():
    found, broken = declared()
    missing = {name: module for name, module in catalogue_ce().items() if name not in found}
    report = [f"{name} (module {module!r})" for name, module in sorted(missing.items())]
    report += [f"module {name!r}: {reason}" for name, reason in sorted(broken.items())]
    assert not report, "not handled by the Community Edition: " + "; ".join(report)


def test_the_catalogue_names_the_module_that_declares_each_namespace():
    found, _ = declared()
    ce = catalogue_ce()
    wrong = {
        name: (ce[name], module)
        for name, module in found.items()
        if name in ce and ce[name] != module
    }
    assert not wrong, {n: f"catalogue: {c}, declared by: {m}" for n, (c, m) in wrong.items()}
