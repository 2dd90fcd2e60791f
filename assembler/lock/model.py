"""What a ``pylock.toml`` written by ``assemble lock`` holds, as the build uses it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assembler.errors import AssembleError


@dataclass(frozen=True)
class LockedFile:
    """A wheel, sdist or archive: a url or a path (relative to the lock), and its hash."""

    name: str
    url: str = ""
    path: str = ""
    sha256: str = ""


@dataclass(frozen=True)
class LockedVcs:
    """A git source: the build checks out exactly ``commit``."""

    url: str
    commit: str
    subdirectory: str = ""


@dataclass(frozen=True)
class LockedPackage:
    name: str
    version: str
    marker: str = ""
    wheels: tuple[LockedFile, ...] = ()
    sdist: LockedFile | None = None
    archive: LockedFile | None = None
    directory: str = ""
    vcs: LockedVcs | None = None


@dataclass(frozen=True)
class Lock:
    path: Path
    sha256: str
    packages: tuple[LockedPackage, ...]
    core_version: str
    modules: dict[str, str]  # manifest name -> distribution, in registry order
    python: str
    platform: str
    manifest_digest: str = ""  # what the manifest looked like when locked (freshness)
    local_versions: dict[str, str] = field(default_factory=dict)  # local projects, when locked
    base: str = ""  # a registry base image as the manifest named it
    base_digest: str = ""  # what its tag pointed at when locked: every build pulls this

    @property
    def root(self) -> Path:
        return self.path.parent

    def package(self, name: str) -> LockedPackage:
        for package in self.packages:
            if package.name == name:
                return package
        raise AssembleError(f"{name} is not in the lock", file=self.path)
