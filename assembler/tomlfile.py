"""Reads a TOML file the user wrote (a manifest, a lock, a module's pyproject.toml).

Whatever the bytes, the result is the parsed document or one ``AssembleError`` naming the file
and, where it can be told, the line: text that is not UTF-8, nesting deeper than anyone writes
by hand, or an integer too long for Python to convert are refused like syntax errors.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembler.errors import AssembleError, key_path
from assembler.tomlpos import key_line

MAX_DEPTH = 32  # tables and arrays inside each other; real manifests and locks use 4
_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class TomlFile:
    path: Path
    raw: bytes
    text: str
    data: dict[str, Any]


def _line_of_offset(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def _deep_line(text: str) -> int | None:
    """The line where brackets first open deeper than MAX_DEPTH (strings not told apart)."""
    depth = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        for char in line:
            depth += char in "[{"
            depth -= char in "]}"
            if depth > MAX_DEPTH:
                return lineno
    return None


def _long_number_line(text: str) -> int | None:
    limit = sys.get_int_max_str_digits() or 4300
    match = re.search(r"\d(?:_?\d){" + str(limit) + ",}", text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _too_deep(data: dict[str, Any]) -> tuple[str, ...] | None:
    """Key path of the first value nested deeper than MAX_DEPTH, walked without recursion."""
    stack: list[tuple[Any, tuple[str, ...], int]] = [(data, (), 0)]
    while stack:
        value, keys, depth = stack.pop()
        if depth > MAX_DEPTH:
            return keys
        if isinstance(value, dict):
            stack += [(v, (*keys, str(k)), depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(v, keys, depth + 1) for v in value]
    return None


def read_toml(path: Path, *, missing: str) -> TomlFile:
    """The parsed file; ``missing`` is the message when it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise AssembleError(missing, file=path) from None
    except OSError as exc:
        raise AssembleError(f"cannot read: {exc.strerror or exc}", file=path) from None
    return parse_toml(raw, path)


def parse_toml(raw: bytes, path: Path) -> TomlFile:
    """``raw`` parsed as the file ``path`` (named in errors): also for TOML a tool printed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AssembleError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x})",
            file=path,
            line=_line_of_offset(raw, exc.start),
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _POSITION.search(str(exc))
        raise AssembleError(
            f"invalid TOML: {_POSITION.sub('', str(exc))}",
            file=path,
            line=int(match.group(1)) if match else None,
        ) from None
    except RecursionError:
        raise AssembleError(
            f"invalid TOML: nested more than {MAX_DEPTH} levels deep",
            file=path,
            line=_deep_line(text),
        ) from None
    except ValueError as exc:  # an integer longer than sys.get_int_max_str_digits()
        line = _long_number_line(text)
        cause = "an integer too long to convert" if line else str(exc)
        raise AssembleError(f"invalid TOML: {cause}", file=path, line=line) from None
    keys = _too_deep(data)
    if keys is not None:
        raise AssembleError(
            f"nested more than {MAX_DEPTH} levels deep",
            file=path,
            line=key_line(text, keys) or _deep_line(text),
            key=key_path(*keys),
        )
    return TomlFile(path, raw, text, data)
