"""What a manifest says: the edition, its core, modules, target, sources and image."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assembler.errors import AssembleError, key_path
from assembler.tomlpos import key_line

CONTRIB_PREFIX = "propylon-"
CORE_DISTRIBUTION = "propylon-core"


@dataclass(frozen=True)
class Edition:
    name: str
    version: str
    command: str
    python: str
    platform: str
    package: str
    description: str


@dataclass(frozen=True)
class Core:
    version: str = ""  # a specifier set, "" for any
    path: Path | None = None


@dataclass(frozen=True)
class ModuleSpec:
    """One module of the edition, in registry order. ``kind``: index, path, git or wheel."""

    name: str
    kind: str
    version: str = ""
    path: Path | None = None
    git: str = ""
    rev: str = ""
    subdirectory: str = ""  # a module inside a monorepo
    distribution: str = ""


@dataclass(frozen=True)
class Sources:
    no_index: bool = False  # only find-links and local sources: an offline or air-gapped build
    index_url: str = ""
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    local: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Image:
    base: str = ""
    tags: tuple[str, ...] = ()
    port: int = 8080
    labels: dict[str, str] = field(default_factory=dict)
    config: Path | None = None
    platforms: tuple[str, ...] = ()  # OCI platforms ("linux/arm64"); () for the edition's own


@dataclass(frozen=True)
class Manifest:
    path: Path
    text: str
    data: dict[str, Any]
    edition: Edition
    core: Core
    modules: tuple[ModuleSpec, ...]
    sources: Sources
    image: Image

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def lock_path(self) -> Path:
        """``pylock.toml`` beside ``manifest.toml``; ``pylock.NAME.toml`` beside ``NAME.toml``."""
        stem = self.path.stem
        name = "pylock.toml" if stem == "manifest" else f"pylock.{stem.replace('.', '-')}.toml"
        return self.root / name

    @property
    def platforms(self) -> tuple[str, ...]:
        """The image's OCI platforms, the edition's own platform first."""
        own = (
            "linux/" + {"x86_64": "amd64", "aarch64": "arm64"}[self.edition.platform.split("-")[0]]
        )
        return (own, *(p for p in self.image.platforms if p != own))

    def target_platform(self, platform: str) -> str:
        """uv's platform (``aarch64-manylinux_2_36``) for an OCI one, at the edition's glibc."""
        arch = {"linux/amd64": "x86_64", "linux/arm64": "aarch64"}[platform]
        return arch + "-" + self.edition.platform.split("-", 1)[1]

    def lock_path_for(self, platform: str) -> Path:
        """The lock of one platform: ``lock_path`` for the edition's own, else
        ``pylock.linux-arm64.toml`` (``pylock.NAME-linux-arm64.toml`` beside ``NAME.toml``)."""
        if platform == self.platforms[0]:
            return self.lock_path
        suffix = platform.replace("/", "-")
        stem = self.path.stem
        name = suffix if stem == "manifest" else f"{stem.replace('.', '-')}-{suffix}"
        return self.root / f"pylock.{name}.toml"

    def error(self, message: str, *key: str) -> AssembleError:
        return AssembleError(
            message, file=self.path, line=key_line(self.text, key), key=key_path(*key)
        )

    def resolution_digest(self) -> str:
        """Hash of what decides the lock: a change here makes the lock stale."""
        edition = self.data.get("edition", {})
        relevant = {
            "python": self.edition.python,
            "platform": self.edition.platform,
            "core": self.data.get("core", {}),
            "modules": self.data.get("modules", {}),
            "sources": self.data.get("sources", {}),
            "name": edition.get("name"),
        }
        # Added only when used, so the locks of single-platform local-base editions stay current.
        if len(self.platforms) > 1:
            relevant["platforms"] = list(self.platforms)
        kind, sep, _ = self.image.base.partition(":")
        if self.image.base and not (sep and kind in ("rootfs", "oci-archive")):
            relevant["base"] = self.image.base
        blob = json.dumps(relevant, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()
