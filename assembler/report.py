"""The build report: inputs, versions, hashes, digests and how long each step took."""

from __future__ import annotations

import json
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assembler import __version__
from assembler.hashing import sha256_file
from assembler.locked import Lock
from assembler.manifest import Manifest
from assembler.project import RegistryEntry
from assembler.uvtool import uv_version
from assembler.wheelhouse import WheelEntry


def _version_of(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return ""


def tools() -> dict[str, str]:
    return {
        "propylon-assembler": __version__,
        "python": platform.python_version(),
        "uv": uv_version(),
        "poetry-core": _version_of("poetry-core"),
    }


def artifacts(out: Path, staged: Path) -> list[dict[str, Any]]:
    """Every file of the output but the wheelhouse copies, by its final path."""
    found = []
    for path in sorted(staged.rglob("*")):
        rel = path.relative_to(staged)
        if path.is_file() and rel.parts[0] not in ("project", "docker"):
            found.append(
                {"path": str(rel), "size": path.stat().st_size, "sha256": sha256_file(path)}
            )
    return found


def edition_report(
    manifest: Manifest,
    locked: Lock,
    *,
    out: Path,
    stage: Path,
    wheel: Path,
    sdist: Path,
    modules: list[RegistryEntry],
    wheels: list[WheelEntry],
    image: dict[str, Any] | None,
    durations: dict[str, float],
    epoch: int,
) -> dict[str, Any]:
    """What was built from what, with which tools, and how long each step took."""
    edition = manifest.edition
    return {
        "edition": edition.name,
        "version": edition.version,
        "out": str(out),
        "wheel": wheel.name,
        "sdist": sdist.name,
        "source_date_epoch": epoch,
        "target": {"python": locked.python, "platform": locked.platform},
        "inputs": {
            "manifest": {"path": str(manifest.path), "sha256": sha256_file(manifest.path)},
            "lock": {"path": str(locked.path), "sha256": locked.sha256},
        },
        "tools": tools(),
        "core": locked.core_version,
        "modules": [
            {"name": m.name, "distribution": m.distribution, "version": m.version}
            for m in {m.name: m for m in modules}.values()
        ],
        "wheelhouse": [w.describe() for w in sorted(wheels, key=lambda w: w.describe()["name"])],
        "image": image,
        "artifacts": artifacts(out, stage),
        "durations": durations,
    }


def write_report(path: Path, report: dict[str, Any]) -> None:
    path.write_text(json.dumps(report, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def summary(console: Console, report: dict[str, Any]) -> None:
    table = Table(title=f"{report['edition']} {report['version']}", title_justify="left")
    table.add_column("output")
    table.add_column("detail")
    table.add_row("out", escape(report["out"]))
    table.add_row("wheel", report["wheel"])
    table.add_row("sdist", report["sdist"])
    table.add_row("wheelhouse", f"{len(report['wheelhouse'])} wheels, hash-checked")
    for module in report["modules"]:
        table.add_row(f"module {module['name']}", f"{module['distribution']} {module['version']}")
    if report.get("image"):
        image = report["image"]
        table.add_row("image", f"{image['archive']} {image['digest'][:19]}...")
        if image["tags"]:
            first, others = image["tags"][0], image["tags"][1:]
            hint = "".join(f"; podman tag {first} {t}" for t in others)
            table.add_row("load", f"podman load -i {image['archive']} (as {first}){hint}")
    table.add_row("durations", ", ".join(f"{k} {v:.1f}s" for k, v in report["durations"].items()))
    table.add_row("total", f"{report['total_seconds']:.1f}s")
    console.print(table)
