"""Loads plugins from a folder: ``.py`` files (by pattern), package folders and pure wheels.

A plugin that fails to import or register is reported in one line naming the file and
the cause, and left out: the gateway starts without it.
"""

from __future__ import annotations

import configparser
import hashlib
import importlib
import importlib.util
import logging
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from propylon.plugin.registry import KINDS, PluginRegistry, Registrar, RegistrationError

ENTRY_POINT_GROUP = "propylon.plugins"


class PluginLoadError(Exception):
    """Why a plugin could not be loaded, in one line."""


@dataclass
class PluginReport:
    path: Path
    registered: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def plugin_paths(folder: Path, pattern: str = ".py") -> list[Path]:
    """Files ending with ``pattern``, package folders and ``.whl`` files, sorted by name."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "_")):
            continue
        if (path.is_dir() and (path / "__init__.py").is_file()) or (
            path.is_file() and (path.suffix == ".whl" or path.name.endswith(pattern))
        ):
            found.append(path)
    return found


def load_plugin(path: Path, registry: PluginRegistry, logger: logging.Logger) -> PluginReport:
    report = PluginReport(path)
    registrar = Registrar(registry, logger)
    try:
        for register in _register_functions(path):
            register(registrar)
    except (PluginLoadError, RegistrationError) as exc:
        report.error = str(exc)
    except SyntaxError as exc:
        report.error = f"SyntaxError: {exc.msg} (line {exc.lineno})"
    except Exception as exc:
        report.error = f"{type(exc).__name__}: {exc}"
    except SystemExit as exc:  # a plugin must not stop the gateway
        report.error = f"called sys.exit({exc.code!r})"
    report.registered = registrar.registered
    if not report.error and not any(registrar.registered.values()):
        report.error = "registered nothing"
    return report


def load_folder(
    folder: Path, pattern: str, registry: PluginRegistry, logger: logging.Logger
) -> list[PluginReport]:
    if not folder.is_dir():
        logger.error("plugin folder %s: not a folder", folder)
        return []
    reports = []
    for path in plugin_paths(folder, pattern):
        report = load_plugin(path, registry, logger)
        if report.ok:
            logger.info("plugin %s: registered %s", path, describe(report))
        else:
            logger.error("plugin %s: %s", path, report.error)
        reports.append(report)
    return reports


def describe(report: PluginReport) -> str:
    parts = [
        f"{kind.replace('_', ' ')} {', '.join(n)}" for kind, n in report.registered.items() if n
    ]
    return "; ".join(parts) or "nothing"


def _register_functions(path: Path) -> list:
    if path.suffix == ".whl":
        return _wheel_register_functions(path)
    module = _import_path(path)
    return [_register_of(module, path)]


def _register_of(module: ModuleType, path: Path):
    register = getattr(module, "register", None)
    if not callable(register):
        raise PluginLoadError("no register(registrar) function")
    return _guarded(register)


def _guarded(register):
    def call(registrar: Registrar) -> None:
        try:
            register(registrar)
        except RegistrationError:
            raise
        except (Exception, SystemExit) as exc:
            raise PluginLoadError(f"register() raised {type(exc).__name__}: {exc}") from None

    return call


def _import_path(path: Path) -> ModuleType:
    if path.is_dir():
        name = path.name
        location = path / "__init__.py"
        spec = importlib.util.spec_from_file_location(
            name, location, submodule_search_locations=[str(path)]
        )
    else:
        digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
        stem = re.sub(r"\W", "_", path.stem)
        name = f"propylon_plugin_{stem}_{digest}"
        spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PluginLoadError("cannot be imported as Python")
    loaded = sys.modules.get(name)
    if loaded is not None:
        if (
            Path(getattr(loaded, "__file__", "") or "").resolve()
            == Path(spec.origin or "").resolve()
        ):
            return loaded  # the same plugin, loaded again (a second gateway in this process)
        raise PluginLoadError(f"the package name {name!r} is already taken by another module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _wheel_register_functions(path: Path) -> list:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PluginLoadError(f"not a wheel: {exc}") from None
    with archive:
        names = archive.namelist()
        dist_info = next((n.split("/")[0] for n in names if n.endswith(".dist-info/WHEEL")), None)
        if dist_info is None:
            raise PluginLoadError("not a wheel: no .dist-info/WHEEL")
        wheel_meta = archive.read(f"{dist_info}/WHEEL").decode()
        if "Root-Is-Purelib: true" not in wheel_meta or any(
            n.endswith((".so", ".pyd", ".dylib")) for n in names
        ):
            raise PluginLoadError("not a pure-Python wheel: rebuild it without compiled code")
        targets = _wheel_entry_points(archive, dist_info) or _wheel_top_level(names)
    if not targets:
        raise PluginLoadError(f"no '{ENTRY_POINT_GROUP}' entry point and no top-level module")
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
    functions = []
    for module_name, attr in targets:
        module = importlib.import_module(module_name)
        register = getattr(module, attr, None) if attr else None
        functions.append(_guarded(register) if callable(register) else _register_of(module, path))
    return functions


def _wheel_entry_points(archive: zipfile.ZipFile, dist_info: str) -> list[tuple[str, str]]:
    try:
        text = archive.read(f"{dist_info}/entry_points.txt").decode()
    except KeyError:
        return []
    parser = configparser.ConfigParser()
    parser.read_string(text)
    if not parser.has_section(ENTRY_POINT_GROUP):
        return []
    targets = []
    for value in parser[ENTRY_POINT_GROUP].values():
        module_name, _, attr = value.strip().partition(":")
        targets.append((module_name.strip(), attr.strip()))
    return targets


def _wheel_top_level(names: list[str]) -> list[tuple[str, str]]:
    top = set()
    for name in names:
        first = name.split("/")[0]
        if first.endswith((".dist-info", ".data")):
            continue
        if "/" in name and name.endswith("/__init__.py") and name.count("/") == 1:
            top.add(first)
        elif "/" not in name and name.endswith(".py"):
            top.add(name[:-3])
    return [(module, "") for module in sorted(top)]
