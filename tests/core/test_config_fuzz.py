"""``propylon check`` on mutated and hostile configurations: exit 0 or 1, never a traceback.

A few hundred configurations are derived, with a fixed seed, from the valid examples of
tests/configs/valid and from KrakenD CE's integration configuration: values replaced by
wrong types, huge numbers and odd strings, keys added and removed, files truncated or
sprinkled with bytes that are not UTF-8, in JSON, YAML, TOML and as Jinja2 templates. Each is
checked in-process through the command itself; the nastiest also by the installed command.
"""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import tomlkit
import yaml
from propylon.config.loader import read_document

from tests.configs.inprocess import Check, assert_clean, checker

SEED = 20240311
REPO = Path(__file__).resolve().parents[2]
VALID = REPO / "tests" / "configs" / "valid"
FIXTURE = REPO.parent / "shared" / "conformance" / "fixtures" / "krakend.json"
PROPYLON = Path(sys.executable).with_name("propylon")


@pytest.fixture(scope="module")
def check() -> Iterator[Check]:
    with checker() as run:
        yield run


# Values that replace a field: wrong types, bounds, sizes, odd text.
def _deep_list(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def _deep_dict(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"a": value}
    return value


NASTY: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    3,
    101,
    65536,
    2**31,
    2**63,
    -(2**63),
    10**400,
    10**4200,
    0.5,
    -0.0,
    1e308,
    "",
    " ",
    "x" * 5000,
    "\x00",
    "\ud800",
    "a\nb",
    "\u2028",
    "{id}",
    "/{nope}",
    "/__health",
    "no-op",
    "GET",
    "-1s",
    "0",
    "1s",
    "1.5m",
    "99999999h",
    "1" + "0" * 400 + "ms",
    [],
    [None],
    [1, "a"],
    ["\x00", "x" * 300],
    {},
    {"": None},
    {"data": {}},
    {"type": "move", "args": []},
    _deep_list(70),
    _deep_dict(70),
]
KEYS = ["", "a.b", "$x", "\ud800", "\n", "timeout", "concurrent_calls", "max_payload", "proxy"]
KEYS += ["router", "backend/http", "static", "flatmap_filter", "max_header_bytes", "port"]


def _seeds() -> list[tuple[str, dict[str, Any]]]:
    seeds = [(p.name, read_document(p, env={})) for p in sorted(VALID.iterdir()) if p.is_file()]
    if FIXTURE.exists():
        seeds.append(("krakend.json", json.loads(FIXTURE.read_text("utf-8"))))
    return seeds


def _places(value: Any, depth: int = 0) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every value inside ``value``, the containers included."""
    if depth > 8:
        return
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in list(items):
        yield value, key
        if isinstance(child, dict | list):
            yield from _places(child, depth + 1)


def _mutate(document: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    document = copy.deepcopy(document)
    for _ in range(rng.choice((1, 1, 2, 3))):
        places = list(_places(document))
        if not places:
            break
        container, key = rng.choice(places)
        operation = rng.random()
        if operation < 0.6:
            container[key] = copy.deepcopy(rng.choice(NASTY))
        elif operation < 0.8:
            del container[key]
        elif isinstance(container, dict):
            container[rng.choice(KEYS)] = copy.deepcopy(rng.choice(NASTY))
        else:
            container.append(copy.deepcopy(rng.choice(NASTY)))
    return document


def _serialise(document: dict[str, Any], rng: random.Random) -> tuple[str, bytes]:
    """(suffix, bytes): JSON mostly, YAML, TOML or a template; JSON when a format cannot."""
    kind = rng.choice(("json", "json", "json", "yaml", "toml", "tmpl"))
    try:
        if kind == "yaml":
            return ".yaml", yaml.safe_dump(document, allow_unicode=True).encode("utf-8", "replace")
        if kind == "toml":
            return ".toml", tomlkit.dumps(document).encode("utf-8", "replace")
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        pass
    text = json.dumps(document)
    if kind == "tmpl":
        snippet = rng.choice(
            ('{{ "x" }}', "{{ 1 / 0 }}", "{{ nope }}", "{% if %}", "{{ 10 ** 5000 }}")
        )
        at = rng.randrange(len(text))
        return ".json.j2", (text[:at] + snippet + text[at:]).encode("utf-8", "surrogatepass")
    return ".json", text.encode("utf-8", "surrogatepass")


def _damage(data: bytes, rng: random.Random) -> bytes:
    """The bytes truncated, or with a byte that is not UTF-8 or a control byte inserted."""
    at = rng.randrange(len(data) + 1)
    choice = rng.random()
    if choice < 0.4:
        return data[:at]
    if choice < 0.8:
        return data[:at] + rng.choice((b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80")) + data[at:]
    return data[:at] + data[at : at + 40] + data[at:]  # a fragment repeated


def mutated_configurations(count: int) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(SEED)
    seeds = _seeds()
    for _ in range(count):
        _name, document = rng.choice(seeds)
        suffix, data = _serialise(_mutate(document, rng), rng)
        if rng.random() < 0.2:
            data = _damage(data, rng)
        yield suffix, data


def test_mutated_configurations_never_raise(check: Check, tmp_path: Path) -> None:
    outcomes = {0: 0, 1: 0}
    for i, (suffix, data) in enumerate(mutated_configurations(400)):
        path = tmp_path / f"m{i}{suffix}"
        path.write_bytes(data)
        outcomes[0 if check(path).startswith("Syntax OK!") else 1] += 1
    # Mutations that keep a configuration valid exist, and most are refused.
    assert outcomes[0] > 10 and outcomes[1] > 200, outcomes


def _wrong_types(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``document`` with each field, at every level, replaced in turn by each wrong type."""
    for index, _place in enumerate(_places(document)):
        for value in (None, True, "x", 7, -7, 1.5, [], {}):
            changed = copy.deepcopy(document)
            container, key = list(_places(changed))[index]
            container[key] = value
            yield changed


def test_wrong_type_in_every_field(check: Check, tmp_path: Path) -> None:
    full = read_document(VALID / "full.json", env={})
    for i, document in enumerate(_wrong_types(full)):
        path = tmp_path / f"w{i}.json"
        path.write_text(json.dumps(document), "utf-8")
        check(path)


# Hostile files: (name, content, a fragment of the one-line error, or "" where accepted).
DEEP = 5000
DEEPLY = "nested more than 64 levels deep"
DIGITS = "a number of more than 4300 digits"
HOSTILE: list[tuple[str, bytes | str, str]] = [
    ("deep.json", '{"version": 3, "x": ' + "[" * DEEP + "]" * DEEP + "}", f"JSON: {DEEPLY}"),
    ("deep_objects.json", '{"version": 3, "x": ' + '{"a":' * DEEP + "1" + "}" * DEEP, DEEPLY),
    ("deep_200.json", '{"version": 3, "x": ' + "[" * 200 + "]" * 200 + "}", "x[0][0]"),
    ("deep.yaml", "version: 3\nx: " + "[" * DEEP + "]" * DEEP + "\n", f"YAML: {DEEPLY}"),
    ("deep_block.yaml", "version: 3\nx:\n" + "".join(" " * i + "- \n" for i in range(300)), DEEPLY),
    ("deep.toml", "version = 3\nx = " + "[" * DEEP + "]" * DEEP + "\n", f"TOML: {DEEPLY}"),
    ("deep_tables.toml", "version = 3\nx = " + "{a=" * 900 + "1" + "}" * 900, DEEPLY),
    ("deep.json.j2", "{% if true %}" * 3000 + "{}" + "{% endif %}" * 3000, "template error"),
    ("digits.json", '{"version": 3, "port": ' + "9" * 5000 + "}", f"invalid JSON: {DIGITS}"),
    ("digits_data.json", '{"version": 3, "x": [' + "1" * 5000 + "]}", DIGITS),
    ("digits.yaml", "version: 3\nport: " + "9" * 5000 + "\n", f"invalid YAML: {DIGITS}"),
    ("hex_digits.yaml", "version: 3\nport: 0x" + "f" * 5000 + "\n", "port: a number of more"),
    ("digits.toml", "version = 3\nport = " + "9" * 5000 + "\n", f"invalid TOML: {DIGITS}"),
    ("hex_digits.toml", "version = 3\nport = 0x" + "f" * 5000 + "\n", "port: a number of more"),
    (
        "digits.json.j2",
        '{"version": 3, "port": {{ 10 ** 5000 }}}',
        f"template error: {DIGITS}",
    ),
    ("digits_400.json", '{"version": 3, "max_header_bytes": ' + "9" * 400 + "}", "max_header_by"),
    ("not_utf8.json", b'{"version": 3,\n"name": "\xff\xfe"}', "not valid UTF-8 at line 2, col"),
    ("not_utf8.yaml", b"version: 3\nname: \xc3\x28\n", "not valid UTF-8 at line 2"),
    ("not_utf8.toml", b'version = 3\nname = "\xed\xa0\x80"\n', "not valid UTF-8 at line 2"),
    ("not_utf8.json.tmpl", b'{"version": 3, "name": "\xff"}', "not valid UTF-8 at line 1"),
    ("bom.json", b'\xef\xbb\xbf{"version": 3, "endpoints": []}', ""),
    ("nul.json", b'{"version": 3, "endpoints": []}\x00', "invalid JSON at line 1"),
    ("nan.json", '{"version": 3, "port": NaN}', "invalid JSON: NaN is not a JSON number"),
    ("infinity.json", '{"version": 3, "x": -Infinity}', "-Infinity is not a JSON number"),
    ("huge_float.json", '{"version": 3, "port": 1e999}', "port: inf is not a number"),
    ("huge_float_data.json", '{"version": 3, "x": {"y": [1e999]}}', "x.y[0]: inf is not"),
    ("nan.yaml", "version: 3\nport: .nan\n", "port: nan is not a number"),
    ("inf.toml", "version = 3\nx = -inf\n", "x: -inf is not a number"),
    ("duplicate.json", '{"version": 3, "version": 3}', 'invalid JSON: duplicate key "version"'),
    ("duplicate.yaml", "version: 3\nversion: 3\n", 'at line 2, column 1: duplicate key "vers'),
    ("merge.yaml", "version: 3\na: &a {b: 1}\nd: &d {<<: *a, b: 2}\ne: {<<: *d, b: 3}\n", ""),
    (
        "recursive.yaml",
        "version: 3\nport: &a [*a]\n",
        f"port[0][0][0][0][0][0]...(57 more): {DEEPLY}",
    ),
    ("recursive_map.yaml", "version: 3\nx: &a {b: *a}\n", DEEPLY),
    (
        "laughs.yaml",
        "version: 3\na0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 8)),
        "more than 1000000 values in all",
    ),
    ("int_key.yaml", "version: 3\n1: 2\n", "the key 1 is not a string"),
    ("list_key.yaml", "version: 3\n? [a]\n: 2\n", "invalid YAML"),
    ("binary.yaml", "version: 3\nname: !!binary aGVsbG8=\n", "name: binary data (!!binary) has"),
    ("set.yaml", "version: 3\nx: !!set {a, b}\n", "x: a set (!!set) has no JSON equivalent"),
    ("bad_date.yaml", "version: 3\nx: 2024-13-45\n", "invalid YAML: month must be in 1..12"),
    ("python_tag.yaml", "version: 3\nx: !!python/object:os.system []\n", "could not determine"),
    ("two_documents.yaml", "version: 3\n---\nversion: 3\n", "but found another document"),
    ("datetime.toml", "version = 3\nendpoints = []\nname = 1979-05-27T07:32:00Z\n", ""),
    ("empty.json", "", "invalid JSON at line 1, column 1"),
    ("spaces.yaml", "   \n", "the top level must be an object"),
    ("null.json", "null", "the top level must be an object"),
    ("list.json", "[]", "the top level must be an object"),
    ("string.yaml", "just text\n", "the top level must be an object"),
    ("number.toml", "x = 1\n", "version: is required"),
    ("zero_division.json.j2", '{"x": {{ 1 / 0 }}}', "at zero_division.json.j2:1: ZeroDivision"),
    ("undefined.json.j2", '{"x": {{ nothing.here }}}', "template error: 'nothing' is undefined"),
    (
        "syntax.json.j2",
        '{"version": 3, {% for %}}',
        "template syntax error at syntax.json.j2:1",
    ),
    ("type_error.json.j2", '{"x": {{ "a" + 1 }}}', "template error at type_error.json.j2:1"),
    ("include.json.j2", '{"x": {{ include("missing.txt") }}}', 'partial "missing.txt"'),
    ("extends.json.j2", '{% extends "missing.tmpl" %}', 'template not found: "missing.tmpl"'),
    ("recursion.json.j2", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "nested too deep"),
    (
        "long_key.json",
        '{"version": 3, "' + "k" * 100_000 + '": 1, "endpoints": 1}',
        "endpoints[0]: expected an object",
    ),
    (
        "long_string.json",
        '{"version": 3, "endpoints": [{"endpoint": "' + "x" * 100_000 + '"}]}',
        "...: is required",
    ),
    (
        "control_key.json",
        '{"version": 3, "endpoints": [{"\\u2028\\n\\u001b": 1}]}',
        "(GET /).backend: is required",
    ),
]
NASTIEST = [
    "deep.json",
    "digits.yaml",
    "not_utf8.json",
    "nan.json",
    "laughs.yaml",
    "deep.toml",
    "zero_division.json.j2",
    "recursive.yaml",
]


def _write(folder: Path, name: str, content: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize(("name", "content", "expected"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_file_is_refused_naming_the_cause(
    check: Check, tmp_path: Path, name: str, content: bytes | str, expected: str
) -> None:
    output = check(_write(tmp_path, name, content))
    lines = output.strip("\n").split("\n")
    if expected:
        assert any(line.startswith("ERROR: ") and expected in line for line in lines), output[:1000]
    else:
        assert lines[-1].startswith("Syntax OK! "), output


def test_nastiest_files_through_the_installed_command(tmp_path: Path) -> None:
    files = {name: content for name, content, _ in HOSTILE}
    paths = [_write(tmp_path, name, files[name]) for name in NASTIEST]

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PROPYLON), "check", "-c", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin"},
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, paths))
    for path, result in zip(paths, results, strict=True):
        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stdout == "", result.stdout
        assert_clean(1, result.stderr, path)
