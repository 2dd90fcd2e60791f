"""Reads a module's ``propylon.modules`` entry point from its wheel, to write the registry."""

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
    attr: str  # attribute path inside it

    @property
    def import_name(self) -> str:
        return self.attr.split(".")[0]

    @property
    def attr_path(self) -> str:
        rest = self.attr.split(".")[1:]
        return "".join(f".{part}" for part in rest)


def module_entry_points(wheel: Path) -> list[EntryPoint]:
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt")]
        if not names:
            return []
        text = zf.read(names[0]).decode("utf-8")
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    if not parser.has_section(GROUP):
        return []
    found = []
    for name, value in parser.items(GROUP):
        target = value.split("[")[0].strip()
        module, _, attr = (part.strip() for part in target.partition(":"))
        if not attr:
            raise AssembleError(f"{wheel.name}: entry point {name} = {value} names no object")
        parts = [*module.split("."), *attr.split(".")]
        if not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
            raise AssembleError(
                f"{wheel.name}: entry point {name} = {value} is not module:object "
                "(dotted Python identifiers)"
            )
        found.append(EntryPoint(name, module, attr))
    return found
