"""Resolves a manifest with uv: what each module asks for, and the pinned core.

The core is resolved alone first and pinned, so a module can never drag the core to another
version; when the full resolution fails, each module is tried alone against the pinned core
to name the one that caused the conflict.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from assembler.errors import AssembleError
from assembler.lock.read import read_lock, resolved_versions
from assembler.manifest import CORE_DISTRIBUTION, Manifest, ModuleSpec
from assembler.sources import LocalProject, local_projects, read_project
from assembler.uvtool import run_uv, uv_reason


@dataclass(frozen=True)
class Wanted:
    """One requirement line for uv, and what in the manifest asked for it."""

    requirement: str
    module: ModuleSpec | None
    distribution: str


@dataclass(frozen=True)
class Resolution:
    """uv's pylock output for the whole edition, and what the lock's stamp records of it."""

    pylock: str
    core_version: str
    wanted: tuple[Wanted, ...]


def _relative(path: Path, root: Path) -> str:
    rel = os.path.relpath(path, root)
    return rel if rel.startswith(".") else f"./{rel}"


def target_args(manifest: Manifest, platform: str = "") -> list[str]:
    """uv's arguments for the manifest's target (or ``platform``, uv's form) and package
    sources, not this machine's."""
    args = ["--python-version", manifest.edition.python]
    args += ["--python-platform", platform or manifest.edition.platform]
    src = manifest.sources
    if src.no_index:
        args.append("--no-index")
    if src.index_url:
        args += ["--default-index", src.index_url]
    for url in src.extra_index_urls:
        args += ["--index", url]
    for link in src.find_links:
        args += ["--find-links", link]
    return args


class Resolver:
    """Resolves with uv. The previous lock's versions are kept where they still fit (uv reads
    them as preferences), except for ``upgrade``: True for everything, or distribution names.
    """

    def __init__(
        self, manifest: Manifest, *, upgrade: bool | tuple[str, ...] = (), platform: str = ""
    ) -> None:
        self.manifest = manifest
        self.local: dict[str, LocalProject] = local_projects(manifest.sources.local)
        self.upgrade = upgrade
        self.platform = platform or manifest.platforms[0]  # OCI form: linux/arm64
        self.lock_path = manifest.lock_path_for(self.platform)

    def compile(
        self, lines: list[str], constraints: list[str] | None = None, extra: list[str] | None = None
    ) -> tuple[bool, str]:
        """(ok, pylock text or uv's reason)."""
        args = ["pip", "compile", "-", "--format", "pylock.toml", "--no-header", "--quiet"]
        args += extra or []
        args += target_args(self.manifest, self.manifest.target_platform(self.platform))
        previous = self.lock_path
        # uv keeps the versions of an existing output file: the previous lock, copied.
        scratch = self.manifest.root / f"pylock.assembling-{os.getpid()}.toml"
        prefer = self.upgrade is not True and previous.is_file() and "--no-deps" not in args
        with tempfile.TemporaryDirectory(prefix="assemble-") as tmp:
            if constraints:
                path = Path(tmp) / "constraints.txt"
                path.write_text("\n".join(constraints) + "\n")
                args += ["--constraints", str(path)]
            if prefer:
                scratch.write_bytes(previous.read_bytes())
                args += ["--output-file", scratch.name]
                for name in self.upgrade if isinstance(self.upgrade, tuple) else ():
                    args += ["--upgrade-package", name]
            try:
                result = run_uv(args, cwd=self.manifest.root, stdin="\n".join(lines) + "\n")
                output = scratch.read_text(encoding="utf-8") if prefer else result.stdout
            finally:
                scratch.unlink(missing_ok=True)
        if result.returncode != 0:
            return False, uv_reason(result.stderr)
        return True, output

    def from_local(self, dist: str, spec: str, *key: str) -> str | None:
        project = self.local.get(dist)
        if project is None:
            return None
        if spec and not SpecifierSet(spec).contains(project.version, prereleases=True):
            raise self.manifest.error(
                f"{dist} {project.version} in {project.path} does not satisfy {spec!r}", *key
            )
        return f"{dist} @ {_relative(project.path, self.manifest.root)}"

    def core(self) -> tuple[Wanted, str]:
        """The core requirement and its pinned version."""
        core = self.manifest.core
        if core.path is not None:
            project = read_project(core.path)
            line = f"{CORE_DISTRIBUTION} @ {_relative(core.path, self.manifest.root)}"
            return Wanted(line, None, CORE_DISTRIBUTION), project.version
        local = self.from_local(CORE_DISTRIBUTION, core.version, "core", "version")
        if local is not None:
            version = self.local[CORE_DISTRIBUTION].version
            return Wanted(local, None, CORE_DISTRIBUTION), version
        line = f"{CORE_DISTRIBUTION}{core.version}"
        kept = self.previous_core()
        if kept and SpecifierSet(core.version).contains(kept, prereleases=True):
            return Wanted(line, None, CORE_DISTRIBUTION), kept
        ok, out = self.compile([line], extra=["--no-deps"])
        if not ok:
            raise self.manifest.error(f"no propylon-core matches: {out}", "core", "version")
        found = resolved_versions(out).get(CORE_DISTRIBUTION)
        if not found:
            raise self.manifest.error("no propylon-core matches", "core", "version")
        return Wanted(line, None, CORE_DISTRIBUTION), found

    def previous_core(self) -> str:
        """The core version of the previous lock, unless the core is being upgraded."""
        if self.upgrade is True or CORE_DISTRIBUTION in (self.upgrade or ()):
            return ""
        try:
            # Every platform's lock pins the core of the edition's own platform.
            return str(Version(read_lock(self.manifest.lock_path).core_version))
        except AssembleError:
            return ""

    def module(self, module: ModuleSpec) -> Wanted:
        root = self.manifest.root
        key = ("modules", module.name)
        if module.kind == "index":
            local = self.from_local(module.distribution, module.version, *key)
            line = local or f"{module.distribution}{module.version}"
            return Wanted(line, module, module.distribution)
        if module.kind == "path":
            assert module.path is not None
            dist = read_project(module.path).name
            return Wanted(f"{dist} @ {_relative(module.path, root)}", module, dist)
        if module.kind == "wheel":
            assert module.path is not None
            dist = module.distribution
            return Wanted(f"{dist} @ {_relative(module.path, root)}", module, dist)
        url = f"git+{module.git}@{module.rev}"
        if module.subdirectory:
            url += f"#subdirectory={module.subdirectory}"
        line = f"{module.distribution} @ {url}" if module.distribution else url
        return Wanted(line, module, module.distribution)

    def resolve(self) -> Resolution:
        """The whole edition at once; on failure, the module that cannot be installed."""
        core, core_version = self.core()
        wanted = [self.module(m) for m in self.manifest.modules]
        pin = [f"{CORE_DISTRIBUTION}=={core_version}"]
        lines = [core.requirement] + [w.requirement for w in wanted]
        ok, out = self.compile(lines, pin)
        if ok:
            return Resolution(out, core_version, tuple(wanted))
        for w in wanted:
            alone_ok, reason = self.compile([core.requirement, w.requirement], pin)
            if not alone_ok:
                assert w.module is not None
                if f"{w.distribution} was not found" in reason:
                    raise self.manifest.error(
                        f"module {w.module.name}: no distribution {w.distribution} in the "
                        f"sources ({reason})",
                        "modules",
                        w.module.name,
                    )
                raise self.manifest.error(
                    f"module {w.module.name} ({w.requirement}) cannot be installed with "
                    f"propylon-core {core_version}: {reason}",
                    "modules",
                    w.module.name,
                )
        raise self.manifest.error(f"the modules conflict with each other: {out}", "modules")
