"""Parses a manifest strictly: an unknown key, a wrong type or a missing path is an error
naming the file, the line and the key, so a typo never silently builds another edition.
"""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from assembler.errors import AssembleError, key_path
from assembler.manifest.model import (
    CONTRIB_PREFIX,
    Core,
    Edition,
    Image,
    Manifest,
    ModuleSpec,
    Sources,
)
from assembler.manifest.values import (
    base_problem,
    command_problem,
    distribution_problem,
    git_url_problem,
    index_url_problem,
    label_key_problem,
    package_problem,
    reference_problem,
    rev_problem,
    subdirectory_problem,
    text_problem,
)
from assembler.tomlfile import read_toml
from assembler.tomlpos import key_line

_PYTHON = re.compile(r"3\.\d{1,2}")
_SECTIONS = {"edition", "core", "modules", "sources", "image"}
_PLATFORM = re.compile(r"(x86_64|aarch64)-manylinux_\d{1,2}_\d{1,2}")
_OCI_ARCH = {"linux/amd64": "x86_64", "linux/arm64": "aarch64"}


def default_platform() -> str:
    machine = {"arm64": "aarch64", "amd64": "x86_64"}.get(platform.machine().lower())
    return f"{machine or platform.machine()}-manylinux_2_36"


def load_manifest(path: Path | str) -> Manifest:
    path = Path(path).absolute()
    if path.is_dir():
        raise AssembleError("is a folder, not a manifest file", file=path)
    toml = read_toml(path, missing="manifest not found")
    return _Parser(path, toml.text, toml.data).parse()


class _Parser:
    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path, self.text, self.data = path, text, data

    def fail(self, message: str, *key: str) -> AssembleError:
        return AssembleError(
            message, file=self.path, line=key_line(self.text, key), key=key_path(*key)
        )

    def check(self, problem: Callable[[str], str | None], value: str, *key: str) -> str:
        """``value`` if ``problem`` finds nothing wrong with it, else the error at ``key``."""
        reason = problem(value)
        if reason is not None:
            raise self.fail(reason, *key)
        return value

    def table(self, key: str, *, required: bool) -> dict[str, Any]:
        if key not in self.data:
            if required:
                raise self.fail(f"missing table [{key}]")
            return {}
        value = self.data[key]
        if not isinstance(value, dict):
            raise self.fail("expected a table", key)
        return value

    def only(self, table: dict[str, Any], allowed: set[str], *where: str) -> None:
        for key in table:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(f"unknown key (expected one of: {known})", *where, key)

    def string(
        self, table: dict[str, Any], key: str, *where: str, default: str | None = None
    ) -> str:
        if key not in table:
            if default is None:
                raise self.fail("missing required key", *where, key)
            return default
        value = table[key]
        if not isinstance(value, str):
            raise self.fail(f"expected a string, got {_kind(value)}", *where, key)
        return self.check(text_problem, value, *where, key)

    def strings(self, table: dict[str, Any], key: str, *where: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("expected a list of strings", *where, key)
        return tuple(self.check(text_problem, v, *where, key) for v in value)

    def local_path(self, raw: str, *key: str, kind: str = "any") -> Path:
        try:
            path = (self.path.parent / os.path.expanduser(os.path.expandvars(raw))).resolve()
            exists = path.exists()
        except (OSError, RuntimeError, ValueError) as exc:
            raise self.fail(f"path {raw!r} cannot be used: {exc}", *key) from None
        if not exists:
            raise self.fail(f"path {raw!r} does not exist ({path})", *key)
        if kind == "dir" and not path.is_dir():
            raise self.fail(f"path {raw!r} is not a folder", *key)
        if kind == "file" and not path.is_file():
            raise self.fail(f"path {raw!r} is not a file", *key)
        if kind == "project" and not (path / "pyproject.toml").is_file():
            raise self.fail(f"path {raw!r} has no pyproject.toml", *key)
        return path

    def specifier(self, raw: str, *key: str) -> str:
        raw = raw.strip()
        if raw in ("", "*"):
            return ""
        try:
            spec = SpecifierSet(raw)
        except InvalidSpecifier:
            raise self.fail(f"invalid version range {raw!r} (e.g. '>=0.1,<0.2')", *key) from None
        if any(s.operator == "===" for s in spec):
            raise self.fail(
                f"{raw!r}: arbitrary equality (===) is not supported, use == or a range", *key
            )
        try:
            return str(spec)
        except (InvalidSpecifier, ValueError):
            raise self.fail(f"invalid version range {raw!r} (e.g. '>=0.1,<0.2')", *key) from None

    def parse(self) -> Manifest:
        for key in self.data:
            if key not in _SECTIONS:
                raise self.fail(
                    f"unknown table (expected one of: {', '.join(sorted(_SECTIONS))})", key
                )
        return Manifest(
            path=self.path,
            text=self.text,
            data=self.data,
            edition=self.parse_edition(),
            core=self.parse_core(),
            modules=self.parse_modules(),
            sources=self.parse_sources(),
            image=self.parse_image(),
        )

    def parse_edition(self) -> Edition:
        t = self.table("edition", required=True)
        keys = {"name", "version", "command", "python", "platform", "package", "description"}
        self.only(t, keys, "edition")
        name = self.check(
            distribution_problem, self.string(t, "name", "edition"), "edition", "name"
        )
        version = self.string(t, "version", "edition")
        try:
            Version(version)
            if version != version.strip():
                raise InvalidVersion(version)
        except InvalidVersion:
            raise self.fail(f"{version!r} is not a PEP 440 version", "edition", "version") from None
        python = self.string(t, "python", "edition", default="3.11")
        if not _PYTHON.fullmatch(python):
            raise self.fail(
                f"expected a Python version like '3.11', got {python!r}", "edition", "python"
            )
        if "package" in t:
            package = self.check(
                package_problem, self.string(t, "package", "edition"), "edition", "package"
            )
        else:
            package = canonicalize_name(name).replace("-", "_")
            if package_problem(package):
                raise self.fail(
                    f"{package_problem(package)}: set [edition] package", "edition", "name"
                )
        command = self.string(t, "command", "edition", default=name)
        self.check(command_problem, command, "edition", "command" if "command" in t else "name")
        return Edition(
            name=name,
            version=version,
            command=command,
            python=python,
            platform=self.parse_platform(t),
            package=package,
            description=self.string(t, "description", "edition", default=f"The {name} API gateway"),
        )

    def parse_platform(self, edition: dict[str, Any]) -> str:
        """The target platform: given, else that of ``[image] platforms``, else this machine's."""
        image = self.data.get("image")
        platforms = image.get("platforms") if isinstance(image, dict) else None
        derived = default_platform()
        if (
            isinstance(platforms, list)
            and platforms
            and isinstance(platforms[0], str)
            and platforms[0] in _OCI_ARCH
        ):
            derived = f"{_OCI_ARCH[platforms[0]]}-manylinux_2_36"
        value = self.string(edition, "platform", "edition", default=derived)
        if not _PLATFORM.fullmatch(value):
            raise self.fail(
                f"unsupported platform {value!r} (e.g. x86_64-manylinux_2_36, aarch64-manylinux_2_36)",
                "edition",
                "platform",
            )
        return value

    def parse_core(self) -> Core:
        t = self.table("core", required=False)
        self.only(t, {"version", "path"}, "core")
        if "path" in t and "version" in t:
            raise self.fail("give either version or path, not both", "core", "path")
        if "path" in t:
            raw = self.string(t, "path", "core")
            return Core(path=self.local_path(raw, "core", "path", kind="project"))
        return Core(
            version=self.specifier(
                self.string(t, "version", "core", default="*"), "core", "version"
            )
        )

    def parse_modules(self) -> tuple[ModuleSpec, ...]:
        t = self.table("modules", required=False)
        modules = []
        for name, value in t.items():
            if distribution_problem(name):
                raise self.fail(f"{name!r} is not a valid module name", "modules", name)
            modules.append(self.parse_module(name, value))
        return tuple(modules)

    def parse_module(self, name: str, value: Any) -> ModuleSpec:
        where = ("modules", name)
        contrib = CONTRIB_PREFIX + canonicalize_name(name)
        if isinstance(value, str):
            self.check(text_problem, value, *where)
            return ModuleSpec(name, "index", self.specifier(value, *where), distribution=contrib)
        if not isinstance(value, dict):
            raise self.fail(f"expected a version range or a table, got {_kind(value)}", *where)
        keys = {"version", "path", "git", "rev", "subdirectory", "wheel", "distribution"}
        self.only(value, keys, *where)
        kinds = [k for k in ("path", "git", "wheel") if k in value]
        if len(kinds) > 1:
            raise self.fail(f"give only one of path, git, wheel (got {', '.join(kinds)})", *where)
        dist = self.string(value, "distribution", *where, default="")
        if dist:
            self.check(distribution_problem, dist, *where, "distribution")
        if not kinds:
            spec = self.specifier(
                self.string(value, "version", *where, default="*"), *where, "version"
            )
            return ModuleSpec(name, "index", spec, distribution=dist or contrib)
        kind = kinds[0]
        if "subdirectory" in value and kind != "git":
            raise self.fail("subdirectory is only used with git", *where, "subdirectory")
        if "version" in value:
            raise self.fail(f"version is not used with {kind}", *where, "version")
        if kind == "path":
            path = self.local_path(
                self.string(value, "path", *where), *where, "path", kind="project"
            )
            return ModuleSpec(name, "path", path=path, distribution=dist)
        if kind == "wheel":
            raw = self.string(value, "wheel", *where)
            path = self.local_path(raw, *where, "wheel", kind="file")
            try:
                wheel_name = parse_wheel_filename(path.name)[0]
            except InvalidWheelFilename:
                raise self.fail(f"{raw!r} is not a .whl file", *where, "wheel") from None
            return ModuleSpec(name, "wheel", path=path, distribution=dist or wheel_name)
        url = self.check(git_url_problem, self.string(value, "git", *where), *where, "git")
        rev = self.string(value, "rev", *where, default="")
        if not rev:
            raise self.fail(
                "a git module needs rev (a tag or commit) so the lock is stable", *where, "git"
            )
        self.check(rev_problem, rev, *where, "rev")
        subdirectory = self.string(value, "subdirectory", *where, default="").strip("/")
        if subdirectory:
            self.check(subdirectory_problem, subdirectory, *where, "subdirectory")
        return ModuleSpec(
            name, "git", git=url, rev=rev, subdirectory=subdirectory, distribution=dist
        )

    def parse_sources(self) -> Sources:
        t = self.table("sources", required=False)
        self.only(t, {"index-url", "extra-index-url", "find-links", "local", "no-index"}, "sources")
        no_index = t.get("no-index", False)
        if not isinstance(no_index, bool):
            raise self.fail("expected true or false", "sources", "no-index")
        find_links = []
        for raw in self.strings(t, "find-links", "sources"):
            if "://" in raw:
                find_links.append(self.check(index_url_problem, raw, "sources", "find-links"))
            else:
                find_links.append(str(self.local_path(raw, "sources", "find-links", kind="dir")))
        local = tuple(
            self.local_path(raw, "sources", "local", kind="dir")
            for raw in self.strings(t, "local", "sources")
        )
        index_url = self.string(t, "index-url", "sources", default="")
        if index_url:
            self.check(index_url_problem, index_url, "sources", "index-url")
        extra = self.strings(t, "extra-index-url", "sources")
        for url in extra:
            self.check(index_url_problem, url, "sources", "extra-index-url")
        return Sources(
            no_index=no_index,
            index_url=index_url,
            extra_index_urls=extra,
            find_links=tuple(find_links),
            local=local,
        )

    def check_platforms(self, platforms: tuple[str, ...]) -> None:
        for value in platforms:
            if value not in _OCI_ARCH:
                known = ", ".join(_OCI_ARCH)
                raise self.fail(
                    f"unknown platform {value!r} (one of: {known})", "image", "platforms"
                )
        if len(set(platforms)) != len(platforms):
            raise self.fail("a platform is listed twice", "image", "platforms")
        edition = self.data.get("edition", {})
        arch = str(edition.get("platform", "")).split("-")[0] if isinstance(edition, dict) else ""
        if platforms and arch and _OCI_ARCH[platforms[0]] != arch:
            raise self.fail(
                f"{platforms[0]} does not match [edition] platform {edition['platform']!r}",
                "image",
                "platforms",
            )

    def parse_image(self) -> Image:
        t = self.table("image", required=False)
        self.only(t, {"base", "tags", "port", "labels", "config", "platforms"}, "image")
        platforms = self.strings(t, "platforms", "image")
        self.check_platforms(platforms)
        port = t.get("port", 8080)
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise self.fail("expected a port number (1-65535)", "image", "port")
        labels = t.get("labels", {})
        if not isinstance(labels, dict):
            raise self.fail(f"expected a table of strings, got {_kind(labels)}", "image", "labels")
        for key in labels:
            self.check(label_key_problem, key, "image", "labels", key)
            self.string(labels, key, "image", "labels")
        base = self.string(t, "base", "image", default="")
        if base:
            self.check(base_problem, base, "image", "base")
        tags = self.strings(t, "tags", "image")
        for tag in tags:
            self.check(_tag_problem, tag, "image", "tags")
        config = None
        if "config" in t:
            config = self.local_path(
                self.string(t, "config", "image"), "image", "config", kind="file"
            )
        return Image(
            base=base,
            tags=tags,
            port=port,
            labels=dict(labels),
            config=config,
            platforms=platforms,
        )


def _kind(value: Any) -> str:
    """A TOML type as the user wrote it."""
    kinds = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    kinds |= {list: "an array", dict: "a table"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def _tag_problem(value: str) -> str | None:
    return reference_problem(value, digest=False)
