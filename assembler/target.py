"""The target interpreter and platform: which markers hold and which wheel tags install.

The lock and the image are for the manifest's target, not for the machine building them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from packaging.markers import Marker
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import parse_wheel_filename

from assembler.errors import AssembleError

_PLATFORM = re.compile(r"^(?P<arch>x86_64|aarch64)-manylinux_(?P<major>\d+)_(?P<minor>\d+)$")
_OCI_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}


@dataclass(frozen=True)
class Target:
    python: str  # "3.11"
    platform: str  # uv's form: "x86_64-manylinux_2_36"

    @cached_property
    def _parts(self) -> tuple[str, int, int]:
        match = _PLATFORM.match(self.platform)
        if not match:
            raise AssembleError(
                f"unsupported platform {self.platform!r} (expected e.g. x86_64-manylinux_2_36)"
            )
        return match["arch"], int(match["major"]), int(match["minor"])

    @property
    def arch(self) -> str:
        return self._parts[0]

    @property
    def oci_arch(self) -> str:
        return _OCI_ARCH[self.arch]

    @property
    def version(self) -> tuple[int, int]:
        major, minor = self.python.split(".")
        return int(major), int(minor)

    def markers(self) -> dict[str, str]:
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{self.python}.0",
            "os_name": "posix",
            "platform_machine": self.arch,
            "platform_python_implementation": "CPython",
            "platform_system": "Linux",
            "python_version": self.python,
            "python_full_version": f"{self.python}.0",
            "sys_platform": "linux",
        }

    def applies(self, marker: str) -> bool:
        return not marker or Marker(marker).evaluate(self.markers())

    @cached_property
    def platforms(self) -> list[str]:
        arch, major, minor = self._parts
        tags = [f"manylinux_{major}_{m}_{arch}" for m in range(minor, 4, -1)]
        legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
        for m, name in legacy.items():
            if m <= minor:
                tags.insert(tags.index(f"manylinux_{major}_{m}_{arch}") + 1, f"{name}_{arch}")
        return [*tags, f"linux_{arch}"]

    @cached_property
    def tags(self) -> dict[Tag, int]:
        """Every tag the target installs, with its priority (lower is better)."""
        version = self.version
        ordered = list(cpython_tags(version, platforms=self.platforms))
        ordered += list(compatible_tags(version, f"cp{version[0]}{version[1]}", self.platforms))
        return {tag: i for i, tag in enumerate(dict.fromkeys(ordered))}

    def wheel_rank(self, filename: str) -> int | None:
        """Priority of a wheel for the target, None if it does not install there."""
        _, _, _, tags = parse_wheel_filename(filename)
        ranks = [self.tags[t] for t in tags if t in self.tags]
        return min(ranks) if ranks else None
