"""A platform other than this machine's installs wheels only: an sdist would be built here,
for the wrong platform, so a distribution with no wheel for it stops the lock."""

from __future__ import annotations

import platform as host

from packaging.utils import canonicalize_name

from assembler.errors import AssembleError
from assembler.lock.model import Lock
from assembler.manifest import Manifest
from assembler.target import Target

_HOST_ARCH = {"x86_64": "linux/amd64", "amd64": "linux/amd64", "aarch64": "linux/arm64"}


def foreign(platform: str) -> bool:
    """True when ``platform`` (``linux/arm64``) is not this machine's."""
    return _HOST_ARCH.get(host.machine().lower(), "") != platform


def require_wheels(manifest: Manifest, lock: Lock, platform: str) -> None:
    target = Target(lock.python, lock.platform)
    modules = {canonicalize_name(d): n for n, d in lock.modules.items()}
    for package in lock.packages:
        if not target.applies(package.marker) or not (package.wheels or package.sdist):
            continue  # local folders, git and archives: the edition's own pure-Python sources
        if any(target.wheel_rank(w.name) is not None for w in package.wheels):
            continue
        module = modules.get(canonicalize_name(package.name))
        who = f"module {module} ({package.name})" if module else package.name
        raise AssembleError(
            f"{who} {package.version} has no wheel for {platform} (Python {lock.python}): "
            "another platform installs wheels only",
            file=manifest.path,
        )
