"""Reads entry points: the one parser of ``entry_points.txt``, for wheels and their scripts.

The registry of an edition is written from its modules' ``propylon.modules`` entry points;
the image's console scripts come from the same file of each installed wheel.
"""

from __future__ import annotations

import configparser
import keyword
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assembler.errors import AssembleError

GROUP = "propylon.modules"


@dataclass(frozen=True)
class EntryPoint:
    name: str
    module: str  # importable module
    attr: str  # attribute path inside it ("" when the value names a module only)
    value: str  # as written

    @property
    def import_name(self) -> str:
        return self.attr.split(".")[0]

    @property
    def attr_path(self) -> str:
        rest = self.attr.split(".")[1:]
        return "".join(f".{part}" for part in rest)


def parse_entry_points(text: str, group: str) -> list[EntryPoint]:
    """The entry points of ``group`` in an ``entry_points.txt`` text, extras dropped."""
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    if not parser.has_section(group):
        return []
    found = []
    for name, value in parser.items(group):
        target = value.split("[")[0].strip()
        module, _, attr = (part.strip() for part in target.partition(":"))
        found.append(EntryPoint(name, module, attr, value))
    return found


def wheel_entry_points(wheel: Path, group: str) -> list[EntryPoint]:
    """The entry points of ``group`` that a wheel's metadata declares."""
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt")]
        if not names:
            return []
        text = zf.read(names[0]).decode("utf-8")
    return parse_entry_points(text, group)


def module_entry_points(wheel: Path) -> list[EntryPoint]:
    """A module's ``propylon.modules`` entry points, each ``module:object`` in identifiers,
    since the generated registry imports them by name."""
    found = wheel_entry_points(wheel, GROUP)
    for ep in found:
        if not ep.attr:
            raise AssembleError(f"{wheel.name}: entry point {ep.name} = {ep.value} names no object")
        parts = [*ep.module.split("."), *ep.attr.split(".")]
        if not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
            raise AssembleError(
                f"{wheel.name}: entry point {ep.name} = {ep.value} is not module:object "
                "(dotted Python identifiers)"
            )
    return found
