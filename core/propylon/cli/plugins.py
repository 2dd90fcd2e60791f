"""``test-plugin`` and ``check-plugin``: trying plugins before a gateway loads them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import typer

from propylon.plugin.loader import describe, load_plugin
from propylon.plugin.registry import PluginRegistry
from propylon.plugin.requirements import RequirementsError, find_conflicts, plugin_requirements

# The kinds test-plugin can require, by flag.
KIND_FLAGS = {"server": "server handler", "client": "client handler", "modifier": "modifier"}


def test_plugins(paths: list[Path], required: set[str]) -> int:
    """Loads each plugin and prints [OK]/[KO] with what it registers; returns the KO count."""
    log = logging.getLogger("propylon.plugin")
    failures = 0
    for path in paths:
        if not path.exists():
            report_line, ok = f"{path}: no such file or folder", False
        else:
            report = load_plugin(path, PluginRegistry(), log)
            missing = [
                KIND_FLAGS[k] for k in sorted(required) if not _registers(report.registered, k)
            ]
            ok = report.ok and not missing
            if not report.ok:
                report_line = f"{path}: {report.error}"
            elif missing:
                report_line = (
                    f"{path}: registers no {' and no '.join(missing)} ({describe(report)})"
                )
            else:
                report_line = f"{path}: {describe(report)}"
        failures += not ok
        typer.echo(f"[{'OK' if ok else 'KO'}] {report_line}")
    return failures


def _registers(registered: dict[str, list[str]], kind: str) -> bool:
    if kind == "modifier":
        return bool(registered["request_modifier"] or registered["response_modifier"])
    return bool(registered[kind])


def check_plugin(path: Path, environment: Callable[[], dict[str, str]]) -> int:
    """Prints each conflict with its fix and the total; returns the number of conflicts."""
    try:
        requirements = plugin_requirements(path)
    except RequirementsError as exc:
        typer.echo(f"ERROR: {path}: {exc}", err=True)
        raise typer.Exit(2) from None
    conflicts = find_conflicts(requirements, environment())
    for conflict in conflicts:
        typer.echo(str(conflict))
    typer.echo(f"{len(conflicts)} incompatibilities found")
    return len(conflicts)
