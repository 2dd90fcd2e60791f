"""``check-plugin``: a plugin's requirements against the distributions an edition has.

Requirements come from a wheel's ``Requires-Dist``, or from a ``requirements.txt`` (or
``<name>.requirements.txt``) beside a plugin file or inside a plugin package.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from email.parser import Parser
from importlib.metadata import distributions
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version


class RequirementsError(Exception):
    """The plugin's requirements cannot be read."""


@dataclass(frozen=True)
class Conflict:
    requirement: Requirement
    installed: str | None  # the edition's version, None when it lacks the distribution

    def __str__(self) -> str:
        req = self.requirement
        if self.installed is None:
            return (
                f"{req.name}: the plugin requires {req}, which this edition does not include; "
                f"fix: add {req} to the edition's manifest, or vendor it inside the plugin"
            )
        return (
            f"{req.name}: the plugin requires {req}, the edition has {self.installed}; "
            f"fix: pin {req.name}=={self.installed} in the plugin's requirements "
            f"(or rebuild the edition with {req})"
        )


def plugin_requirements(path: Path) -> list[Requirement]:
    lines = _wheel_requires(path) if path.suffix == ".whl" else _requirements_file_lines(path)
    requirements = []
    for line in lines:
        try:
            requirements.append(Requirement(line))
        except InvalidRequirement as exc:
            raise RequirementsError(f"invalid requirement {line!r}: {exc}") from None
    return requirements


def installed_versions() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}


def find_conflicts(requirements: list[Requirement], available: dict[str, str]) -> list[Conflict]:
    conflicts = []
    for req in requirements:
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        version = available.get(canonicalize_name(req.name))
        if version is None:
            conflicts.append(Conflict(req, None))
            continue
        try:
            ok = req.specifier.contains(Version(version), prereleases=True)
        except InvalidVersion:
            ok = False
        if not ok:
            conflicts.append(Conflict(req, version))
    return conflicts


def _wheel_requires(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            name = next((n for n in archive.namelist() if n.endswith(".dist-info/METADATA")), None)
            if name is None:
                raise RequirementsError("not a wheel: no .dist-info/METADATA")
            metadata = Parser().parsestr(archive.read(name).decode("utf-8"))
    except (OSError, zipfile.BadZipFile) as exc:
        raise RequirementsError(f"not a wheel: {exc}") from None
    return metadata.get_all("Requires-Dist") or []


def _requirements_file_lines(path: Path) -> list[str]:
    candidates = (
        [path / "requirements.txt"]
        if path.is_dir()
        else [path.with_name(f"{path.stem}.requirements.txt"), path.with_name("requirements.txt")]
    )
    for candidate in candidates:
        if candidate.is_file():
            return _read_requirements(candidate)
    return []


def _read_requirements(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")):
            lines.append(line)
    return lines
