"""Fills the wheelhouse: one wheel per locked distribution that applies to the target.

Index files and archives must match their hash in the lock; local sources, git checkouts
and sdists are built reproducibly and their wheel hashes recorded. The finished folder is
checked once more against those hashes, so nothing unverified reaches an install or image.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from assembler.errors import AssembleError
from assembler.hashing import sha256_file
from assembler.lock.model import Lock, LockedPackage
from assembler.stages.context import BuildContext
from assembler.stages.download import fetch
from assembler.stages.source_wheels import build_wheel, checkout_git
from assembler.target import Target


@dataclass(frozen=True)
class WheelEntry:
    """One wheel of the wheelhouse, with the hash every later step checks it against."""

    name: str
    version: str
    file: Path
    sha256: str
    origin: str  # index, sdist, path, archive or git
    source: str  # url or path it came from

    def describe(self) -> dict[str, str]:
        return {
            "name": canonicalize_name(self.name),
            "version": self.version,
            "file": self.file.name,
            "sha256": self.sha256,
            "origin": self.origin,
            "source": self.source,
        }


@dataclass(frozen=True)
class WheelhouseResult:
    folder: Path
    wheels: tuple[WheelEntry, ...]  # the locked distributions for the target, lock order


def fill_wheelhouse(ctx: BuildContext, progress: Callable[[str], None]) -> WheelhouseResult:
    """Stage: one verified wheel per locked distribution that the target installs."""
    folder = ctx.paths.wheelhouse
    wheels = Wheelhouse(ctx.lock, ctx.target, folder, ctx.epoch).fill(progress)
    return WheelhouseResult(folder, tuple(wheels))


class Wheelhouse:
    """Fetches or builds each wheel, in parallel, then checks the folder holds only them."""

    def __init__(self, lock: Lock, target: Target, out: Path, epoch: int) -> None:
        self.lock, self.target, self.out, self.epoch = lock, target, out, epoch

    def wanted(self) -> list[LockedPackage]:
        return [p for p in self.lock.packages if self.target.applies(p.marker)]

    def fill(self, progress: Callable[[str], None] = lambda _: None) -> list[WheelEntry]:
        self.out.mkdir(parents=True, exist_ok=True)
        packages = self.wanted()
        with ThreadPoolExecutor(max_workers=8) as pool:
            entries = []
            for entry in pool.map(self.one, packages):
                entries.append(entry)
                progress(f"{len(entries)}/{len(packages)} {entry.name}")
        self.verify(entries)
        return entries

    def one(self, package: LockedPackage) -> WheelEntry:
        if package.wheels:
            return self.from_index(package)
        if package.directory:
            source = (self.lock.root / package.directory).resolve()
            return self.built(package, source, "path", str(source))
        if package.archive is not None:
            return self.from_archive(package)
        if package.vcs is not None:
            return self.from_git(package)
        if package.sdist is not None:
            sdist = self.fetch_file(
                package, package.sdist.url, package.sdist.name, package.sdist.sha256
            )
            return self.built(package, sdist, "sdist", package.sdist.url)
        raise AssembleError(f"{package.name}: nothing to install in the lock", file=self.lock.path)

    def fetch_file(self, package: LockedPackage, url: str, name: str, sha256: str) -> Path:
        if not url:
            raise AssembleError(
                f"{package.name}: {name} has no url in the lock", file=self.lock.path
            )
        return fetch(url, name, sha256, lock=self.lock.path)

    def from_index(self, package: LockedPackage) -> WheelEntry:
        ranks = [(self.target.wheel_rank(w.name), w) for w in package.wheels]
        ranked = [(rank, w) for rank, w in ranks if rank is not None]
        if not ranked:
            if package.sdist is not None:
                sdist = package.sdist
                path = self.fetch_file(package, sdist.url, sdist.name, sdist.sha256)
                return self.built(package, path, "sdist", sdist.url)
            raise AssembleError(
                f"{package.name} {package.version} has no wheel for Python {self.target.python} "
                f"on {self.target.platform}",
                file=self.lock.path,
            )
        wheel = min(ranked, key=lambda rw: rw[0])[1]
        if wheel.url:
            cached = self.fetch_file(package, wheel.url, wheel.name, wheel.sha256)
        else:
            cached = self.checked_local(package, wheel.path, wheel.sha256)
        dest = self.out / wheel.name
        shutil.copyfile(cached, dest)
        return WheelEntry(
            package.name, package.version, dest, wheel.sha256, "index", wheel.url or wheel.path
        )

    def checked_local(self, package: LockedPackage, rel: str, sha256: str) -> Path:
        path = (self.lock.root / rel).resolve()
        if not path.is_file():
            raise AssembleError(f"{package.name}: {rel} not found", file=self.lock.path)
        actual = sha256_file(path)
        if actual != sha256:
            raise AssembleError(
                f"{package.name}: {rel} has sha256 {actual[:16]}..., the lock says "
                f"{sha256[:16]}...: the file was changed; refusing to build",
                file=self.lock.path,
            )
        return path

    def from_archive(self, package: LockedPackage) -> WheelEntry:
        archive = package.archive
        assert archive is not None
        if archive.url:
            path = self.fetch_file(package, archive.url, archive.name, archive.sha256)
        else:
            path = self.checked_local(package, archive.path, archive.sha256)
        if not path.name.endswith(".whl"):
            return self.built(package, path, "archive", str(path))
        dest = self.out / path.name
        shutil.copyfile(path, dest)
        return WheelEntry(
            package.name,
            package.version,
            dest,
            archive.sha256,
            "archive",
            archive.path or archive.url,
        )

    def from_git(self, package: LockedPackage) -> WheelEntry:
        vcs = package.vcs
        assert vcs is not None
        with tempfile.TemporaryDirectory(prefix="assemble-git-") as tmp:
            checkout = checkout_git(vcs.url, vcs.commit, Path(tmp) / "src")
            source = checkout / vcs.subdirectory
            return self.built(package, source, "git", f"{vcs.url}@{vcs.commit}")

    def built(self, package: LockedPackage, source: Path, origin: str, where: str) -> WheelEntry:
        wheel = build_wheel(source, self.out, epoch=self.epoch, what=package.name)
        return WheelEntry(package.name, package.version, wheel, sha256_file(wheel), origin, where)

    def verify(self, entries: list[WheelEntry]) -> None:
        expected = {e.file.name: e for e in entries}
        for path in sorted(self.out.iterdir()):
            entry = expected.get(path.name)
            if entry is None:
                raise AssembleError(f"wheelhouse: unexpected file {path.name}")
            if sha256_file(path) != entry.sha256:
                raise AssembleError(f"wheelhouse: {path.name} does not match its recorded sha256")
