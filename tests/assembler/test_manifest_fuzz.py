"""Mutated manifests never make ``assemble check`` or ``assemble lock`` end in a traceback:
each is accepted or refused with one line.

The mutations start from the repository's own manifests (and a module's pyproject.toml), with a
fixed seed: wrong types in every key, hostile strings, deleted, renamed and duplicated keys and
lines, deep nesting, huge numbers and bytes that are not UTF-8. Runs go through the command's
entry point in this process for speed, plus a few real processes.
"""

from __future__ import annotations

import datetime
import random
import tomllib
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from assembler.errors import AssembleError
from assembler.manifest import load_manifest
from tests.assembler.conftest import ACME, FIXTURES, assemble, assemble_in_process
from tests.conftest import REPO

SEEDS = [
    ACME / "manifest.toml",
    REPO / "editions" / "ce" / "manifest.toml",
    FIXTURES / "modules" / "greeter" / "pyproject.toml",
]
PATH_KEYS = {"path", "local", "config", "find-links", "wheel"}
WRONG: list[Any] = [
    0,
    -1,
    10**100,
    10**4000,
    1.5,
    float("inf"),
    float("nan"),
    True,
    datetime.datetime(1979, 5, 27, 7, 32),
    datetime.date(1979, 5, 27),
    [],
    [1, "a"],
    {},
    {"x": 1},
    {"path": 3},
]
STRINGS = [
    "",
    " ",
    "*",
    "\n",
    "\t",
    "\x00",
    "\x1b[31m",
    '"""',
    "'''",
    "\\",
    "${HOME}",
    "[/]",
    "[bold]x",
    "../..",
    "/",
    "-x",
    "--help",
    "===0.1",
    ">=0.1,<0.2",
    "1.0",
    "import",
    "é\u2603",
    "\u2028",
    "a" * 300,
    "git+https://example.invalid/x.git",
    "https://example.invalid/simple",
    "rootfs:",
    "oci-archive:x",
    "x:y:z",
    "linux/amd64",
]
MUTATIONS = 300
LOCK_BUDGET = 3  # manifests that validate: this many are resolved (offline), the rest checked


def absolute_paths(value: Any, seed: Path, key: str = "") -> Any:
    """The seed's relative paths made absolute, so the mutated copy elsewhere still finds them."""
    if isinstance(value, dict):
        return {k: absolute_paths(v, seed, k) for k, v in value.items()}
    if isinstance(value, list):
        return [absolute_paths(v, seed, key) for v in value]
    if isinstance(value, str) and key in PATH_KEYS and value.startswith("."):
        return str((seed.parent / value).resolve())
    return value


def leaves(value: Any, keys: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*keys, k)
            yield from leaves(v, (*keys, k))


def replaced(data: dict[str, Any], keys: tuple[str, ...], new: Any) -> dict[str, Any]:
    copy = tomllib.loads(tomlkit.dumps(data))
    table = copy
    for k in keys[:-1]:
        table = table[k]
    if new is _DELETE:
        del table[keys[-1]]
    elif new is _RENAME:
        table[keys[-1] + "x"] = table.pop(keys[-1])
    else:
        table[keys[-1]] = new
    return copy


_DELETE, _RENAME = object(), object()


def nested(depth: int) -> Any:
    value: Any = "x"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


def text_mutation(rng: random.Random, text: str) -> bytes:
    lines = text.splitlines(keepends=True) or [""]
    where = rng.randrange(len(lines))
    choice = rng.randrange(8)
    if choice == 0:
        del lines[where]
    elif choice == 1:
        lines.insert(where, lines[where])
    elif choice == 2:
        lines.insert(where, "x = " + "[" * 3000 + "]" * 3000 + "\n")
    elif choice == 3:
        lines.insert(where, "port = " + "7" * rng.choice([4300, 4301, 5000]) + "\n")
    elif choice == 4:
        raw = "".join(lines).encode()
        cut = rng.randrange(len(raw) + 1)
        return raw[:cut] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"]) + raw[cut:]
    elif choice == 5:
        return "".join(lines).encode()[: rng.randrange(len(text) + 1)]
    elif choice == 6:
        line = lines[where]
        i = rng.randrange(len(line) + 1)
        lines[where] = line[:i] + rng.choice(["[", "]", "{", '"', "=", "#", "."]) + line[i:]
    else:
        lines.insert(where, f"[{rng.choice(['image', 'modules', 'x.y', 'edition.z'])}]\n")
    return "".join(lines).encode()


def cases() -> Iterator[tuple[str, bytes]]:
    """(description, manifest bytes): every key with every wrong type, then random mutations."""
    rng = random.Random(20240601)
    seeds = [absolute_paths(tomllib.loads(p.read_text()), p) for p in SEEDS]
    for n, data in enumerate(seeds[:2]):  # the manifests; the pyproject only mutated below
        for keys in leaves(data):
            for new in [0, [], {}, True, "\n", _DELETE, _RENAME]:
                yield (
                    f"seed {n} {'.'.join(keys)} = {new!r}",
                    tomlkit.dumps(replaced(data, keys, new)).encode(),
                )
    for i in range(MUTATIONS):
        data = rng.choice(seeds)
        keys = rng.choice(list(leaves(data)))
        kind = rng.randrange(5)
        if kind == 0:
            new = rng.choice(WRONG)
        elif kind == 1:
            new = rng.choice(STRINGS)
        elif kind == 2:
            new = nested(rng.choice([5, 31, 40, 200]))
        elif kind == 3:
            new = {rng.choice(STRINGS) or "k": rng.choice(STRINGS + WRONG)}
        else:
            new = rng.choice([_DELETE, _RENAME])
        text = tomlkit.dumps(replaced(data, keys, new))
        if rng.random() < 0.4:
            yield f"mutation {i}: text", text_mutation(rng, text)
        else:
            yield f"mutation {i}: {'.'.join(keys)} = {new!r:.60}", text.encode()


def _one_line(code: int, stderr: str) -> str | None:
    """Why the output is not a success or one error line, or None."""
    lines = stderr.strip().splitlines()
    if code == 0:
        return None
    if code == 1 and len(lines) == 1 and lines[0].startswith("error: "):
        return None
    return f"exit {code}: {stderr[-300:]!r}"


def _validates(path: Path) -> bool:
    try:
        load_manifest(path)
    except AssembleError:
        return False
    return True


def test_mutated_manifests_never_end_in_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UV_OFFLINE", "1")  # a manifest that validates resolves from the cache
    problems: list[str] = []
    resolved = 0
    count = 0
    for count, (what, raw) in enumerate(cases(), start=1):
        folder = tmp_path / f"case{count}"
        folder.mkdir()
        path = folder / "manifest.toml"
        path.write_bytes(raw)
        commands = ["check"]
        if not _validates(path) or resolved < LOCK_BUDGET:
            commands.append("lock")
            resolved += _validates(path)
        for command in commands:
            try:
                code, stderr = assemble_in_process(command, path)
            except Exception:
                problems.append(f"{what}: {command}: {traceback.format_exc(limit=-3)}")
                continue
            reason = _one_line(code, stderr)
            if reason is not None:
                problems.append(f"{what}: {command}: {reason}")
            elif code == 1 and str(folder) not in stderr:
                problems.append(f"{what}: {command}: the error names no file: {stderr!r}")
    assert count > MUTATIONS
    assert not problems, f"{len(problems)} of {count} cases:\n" + "\n".join(problems[:20])


def test_mutated_manifests_in_real_processes(tmp_path: Path) -> None:
    picked = [case for i, case in enumerate(cases()) if i % 97 == 5][:5]
    for n, (what, raw) in enumerate(picked):
        path = tmp_path / f"m{n}.toml"
        path.write_bytes(raw)
        result = assemble("check", path, check=False)
        assert _one_line(result.returncode, result.stderr) is None, what
        assert "Traceback" not in result.stderr, what
