"""The one reader of ``pylock.toml``: the lock a build, check, diff or upgrade reads, and the
pylock text uv prints while resolving, all through the safe TOML reader."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.version import InvalidVersion, Version

from assembler.errors import AssembleError, key_path
from assembler.lock.model import Lock, LockedFile, LockedPackage, LockedVcs
from assembler.manifest.values import distribution_problem, text_problem
from assembler.tomlfile import TomlFile, parse_toml, read_toml
from assembler.tomlpos import key_line

_SHA256 = re.compile(r"[0-9a-f]{64}")
_PYTHON = re.compile(r"3\.\d{1,2}")
_PLATFORM = re.compile(r"(x86_64|aarch64)-manylinux_\d{1,2}_\d{1,2}")


class _Reader:
    """Checks each value of the lock as it is read: a hand-edited or truncated lock is named
    with the package and key at fault, never a traceback half-way through a build."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text

    def fail(self, message: str, *key: str) -> AssembleError:
        line = key_line(self.text, key) if key and not key[0].startswith("packages") else None
        return AssembleError(message, file=self.path, line=line, key=key_path(*key))

    def table(self, data: Any, *key: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(f"expected a table, got {type(data).__name__}", *key)
        return data

    def string(self, table: dict[str, Any], name: str, *key: str, default: str = "") -> str:
        value = table.get(name, default)
        if not isinstance(value, str) or text_problem(value):
            raise self.fail("expected a one-line string", *key, name)
        return value

    def file(self, entry: Any, *key: str) -> LockedFile:
        entry = self.table(entry, *key)
        url, path = self.string(entry, "url", *key), self.string(entry, "path", *key)
        name = self.string(entry, "name", *key) or (url or path).rstrip("/").rsplit("/", 1)[-1]
        if not name or "/" in name or "\\" in name or name in (".", ".."):
            raise self.fail(f"{name!r} is not a file name", *key, "name")
        hashes = self.table(entry.get("hashes", {}), *key, "hashes")
        sha256 = self.string(hashes, "sha256", *key, "hashes")
        if sha256 and not _SHA256.fullmatch(sha256):
            raise self.fail("expected 64 lower-case hex digits", *key, "hashes", "sha256")
        return LockedFile(name=name, url=url, path=path, sha256=sha256)

    def package(self, p: Any, local_versions: dict[str, Any], index: int) -> LockedPackage:
        where = f"packages[{index}]"
        p = self.table(p, where)
        name = self.string(p, "name", where)
        if distribution_problem(name):
            raise self.fail(f"{name!r} is not a distribution name", where, "name")
        where = f"packages.{name}"
        version = self.string(p, "version", where) or self.string(local_versions, name, where)
        try:
            Version(version) if version else None
        except InvalidVersion:
            raise self.fail(f"{version!r} is not a version", where, "version") from None
        wheels = p.get("wheels", [])
        if not isinstance(wheels, list):
            raise self.fail("expected an array of tables", where, "wheels")
        marker = self.string(p, "marker", where)
        try:
            Marker(marker) if marker else None
        except InvalidMarker:
            raise self.fail(f"{marker!r} is not an environment marker", where, "marker") from None
        return LockedPackage(
            name=name,
            version=version,
            marker=marker,
            wheels=tuple(self.file(w, where, "wheels") for w in wheels),
            sdist=self.file(p["sdist"], where, "sdist") if "sdist" in p else None,
            archive=self.file(p["archive"], where, "archive") if "archive" in p else None,
            directory=self.string(self.table(p.get("directory", {}), where), "path", where),
            vcs=self.vcs(p["vcs"], where, "vcs") if "vcs" in p else None,
        )

    def vcs(self, entry: Any, *key: str) -> LockedVcs:
        entry = self.table(entry, *key)
        return LockedVcs(
            url=self.string(entry, "url", *key),
            commit=self.string(entry, "commit-id", *key),
            subdirectory=self.string(entry, "subdirectory", *key),
        )


def read_lock(path: Path) -> Lock:
    """The lock at ``path``, every value checked; one ``AssembleError`` naming what is wrong."""
    return _lock(read_toml(path, missing="no lock: run `assemble lock` first"))


def parse_lock(text: str, path: Path) -> Lock:
    """A lock not yet written (``outdated``'s fresh resolution), read as if it were ``path``."""
    return _lock(parse_toml(text.encode("utf-8"), path))


def resolved_versions(text: str) -> dict[str, str]:
    """Name -> version of uv's own pylock output (no ``[tool.propylon]`` yet)."""
    data = parse_toml(text.encode("utf-8"), Path("uv output")).data
    packages = data.get("packages", [])
    found = {}
    for package in packages if isinstance(packages, list) else []:
        if isinstance(package, dict) and isinstance(package.get("name"), str):
            version = package.get("version")
            found[package["name"]] = version if isinstance(version, str) else ""
    return found


def _lock(toml: TomlFile) -> Lock:
    path = toml.path
    reader = _Reader(path, toml.text)
    tool = toml.data.get("tool", {})
    tool = reader.table(tool, "tool").get("propylon") if isinstance(tool, dict) else None
    if not tool:
        raise AssembleError("not written by `assemble lock` (no [tool.propylon])", file=path)
    tool = reader.table(tool, "tool", "propylon")
    where = ("tool", "propylon")
    local_versions = reader.table(tool.get("local-versions", {}), *where, "local-versions")
    modules = reader.table(tool.get("modules", {}), *where, "modules")
    for name in modules:
        reader.string(modules, name, *where, "modules")
    packages = toml.data.get("packages", [])
    if not isinstance(packages, list):
        raise reader.fail("expected an array of tables", "packages")
    try:
        Version(reader.string(tool, "core", *where))
    except InvalidVersion:
        raise reader.fail("expected the locked core version", *where, "core") from None
    for key in ("core", "python", "platform"):
        if not reader.string(tool, key, *where):
            raise reader.fail("missing", *where, key)
    if not _PYTHON.fullmatch(tool["python"]):
        raise reader.fail("expected a Python version like '3.11'", *where, "python")
    if not _PLATFORM.fullmatch(tool["platform"]):
        raise reader.fail("expected a platform like x86_64-manylinux_2_36", *where, "platform")
    digest = tool.get("manifest-digest")
    image = reader.table(tool.get("image", {}), *where, "image")
    base_digest = reader.string(image, "base-digest", *where, "image")
    if base_digest and not re.fullmatch(r"sha256:[0-9a-f]{64}", base_digest):
        raise reader.fail("expected sha256:<64 hex digits>", *where, "image", "base-digest")
    return Lock(
        path=path,
        sha256=hashlib.sha256(toml.raw).hexdigest(),
        packages=tuple(reader.package(p, local_versions, i) for i, p in enumerate(packages)),
        core_version=tool["core"],
        modules=dict(modules),
        python=tool["python"],
        platform=tool["platform"],
        manifest_digest=digest if isinstance(digest, str) else "",
        local_versions={k: v for k, v in local_versions.items() if isinstance(v, str)},
        base=reader.string(image, "base", *where, "image"),
        base_digest=base_digest,
    )
