"""Reads a ``pylock.toml`` written by ``assemble lock`` into what the build needs."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembler.errors import AssembleError


@dataclass(frozen=True)
class LockedFile:
    """A wheel, sdist or archive: a url or a path (relative to the lock), and its hash."""

    name: str
    url: str = ""
    path: str = ""
    sha256: str = ""


@dataclass(frozen=True)
class LockedPackage:
    name: str
    version: str
    marker: str = ""
    wheels: tuple[LockedFile, ...] = ()
    sdist: LockedFile | None = None
    archive: LockedFile | None = None
    directory: str = ""
    vcs: dict[str, Any] | None = None


@dataclass(frozen=True)
class Lock:
    path: Path
    sha256: str
    packages: tuple[LockedPackage, ...]
    core_version: str
    modules: dict[str, str]  # manifest name -> distribution, in registry order
    python: str
    platform: str

    @property
    def root(self) -> Path:
        return self.path.parent

    def package(self, name: str) -> LockedPackage:
        for package in self.packages:
            if package.name == name:
                return package
        raise AssembleError(f"{name} is not in the lock", file=self.path)


def _file(entry: dict[str, Any]) -> LockedFile:
    url, path = entry.get("url", ""), entry.get("path", "")
    name = entry.get("name") or (url or path).rstrip("/").rsplit("/", 1)[-1]
    return LockedFile(
        name=name, url=url, path=path, sha256=entry.get("hashes", {}).get("sha256", "")
    )


def read_lock(path: Path) -> Lock:
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise AssembleError("no lock: run `assemble lock` first", file=path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AssembleError(f"invalid lock: {exc}", file=path) from None
    tool = data.get("tool", {}).get("propylon")
    if not tool:
        raise AssembleError("not written by `assemble lock` (no [tool.propylon])", file=path)
    local_versions = tool.get("local-versions", {})
    packages = []
    for p in data.get("packages", []):
        packages.append(
            LockedPackage(
                name=p["name"],
                version=p.get("version") or local_versions.get(p["name"], ""),
                marker=p.get("marker", ""),
                wheels=tuple(_file(w) for w in p.get("wheels", [])),
                sdist=_file(p["sdist"]) if "sdist" in p else None,
                archive=_file(p["archive"]) if "archive" in p else None,
                directory=p.get("directory", {}).get("path", ""),
                vcs=p.get("vcs"),
            )
        )
    return Lock(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        packages=tuple(packages),
        core_version=tool["core"],
        modules=dict(tool.get("modules", {})),
        python=tool["python"],
        platform=tool["platform"],
    )
