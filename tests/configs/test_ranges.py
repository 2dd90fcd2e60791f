"""Every numeric field has a range ``check`` enforces: a value outside it is refused in one line
naming the file, the endpoint and the field; the bounds themselves are accepted."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.configs.inprocess import Check, checker

BASE: dict[str, Any] = {
    "version": 3,
    "endpoints": [
        {
            "endpoint": "/a",
            "backend": [{"host": ["http://127.0.0.1:8000"], "url_pattern": "/a"}],
        }
    ],
}
ENDPOINT = "endpoints[0] (GET /a)"
BACKEND = f"{ENDPOINT}.backend[0]"
HUGE = 10**400

# (path of the field, where the error names it, values refused, the highest value accepted)
SERVICE_DURATIONS = [
    "timeout",
    "read_timeout",
    "write_timeout",
    "idle_timeout",
    "read_header_timeout",
    "dns_cache_ttl",
    "idle_connection_timeout",
    "dialer_timeout",
    "dialer_fallback_delay",
    "dialer_keep_alive",
    "response_header_timeout",
    "expect_continue_timeout",
]
TOO_LONG = ["169h", "-1s", "9" * 400 + "h"]
RANGES: list[tuple[tuple[Any, ...], str, list[Any], Any]] = [
    (("port",), "port", [-1, 65536, HUGE], 65535),
    (
        ("endpoints", 0, "concurrent_calls"),
        f"{ENDPOINT}.concurrent_calls",
        [0, 101, 100_000_000, HUGE],
        100,
    ),
    (("max_header_bytes",), "max_header_bytes", [-1, 64 * 2**20 + 1, HUGE], 64 * 2**20),
    (("max_idle_connections",), "max_idle_connections", [-1, 1_000_001], 1_000_000),
    (
        ("max_idle_connections_per_host",),
        "max_idle_connections_per_host",
        [-1, 1_000_001],
        1_000_000,
    ),
    (
        ("extra_config", "router", "max_payload"),
        "extra_config.router.max_payload",
        [-1, 2**30 + 1, HUGE],
        2**30,
    ),
    *[((key,), key, TOO_LONG, "168h") for key in SERVICE_DURATIONS],
    (("endpoints", 0, "timeout"), f"{ENDPOINT}.timeout", TOO_LONG, "168h"),
    (
        ("endpoints", 0, "backend", 0, "timeout"),
        f"{BACKEND}.timeout",
        TOO_LONG,
        "168h",
    ),
    (("cache_ttl",), "cache_ttl", ["8761h", "-1s", "1e3h"], "8760h"),
    (("endpoints", 0, "cache_ttl"), f"{ENDPOINT}.cache_ttl", ["8761h"], "8760h"),
]
CASES = [
    pytest.param(path, where, bad, id=f"{where}={str(bad)[:12]}")
    for path, where, refused, _ in RANGES
    for bad in refused
]


@pytest.fixture(scope="module")
def check() -> Iterator[Check]:
    with checker() as run:
        yield run


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    container: Any = document
    for key in path[:-1]:
        container = container.setdefault(key, {}) if isinstance(key, str) else container[key]
    container[path[-1]] = value
    return document


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "gateway.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


@pytest.mark.parametrize(("path", "where", "bad"), CASES)
def test_out_of_range_is_one_line_naming_the_field(
    check: Check, tmp_path: Path, path: tuple[Any, ...], where: str, bad: Any
) -> None:
    file = _write(tmp_path, _with(path, bad))
    output = check(file)
    assert output.count("\n") == 1, output
    assert output.startswith(f"ERROR: {file}: {where}: "), output
    assert len(output) < 300, output  # a huge value is summarised, not printed


@pytest.mark.parametrize(("path", "highest"), [pytest.param(r[0], r[3], id=r[1]) for r in RANGES])
def test_highest_value_is_accepted(
    check: Check, tmp_path: Path, path: tuple[Any, ...], highest: Any
) -> None:
    output = check(_write(tmp_path, _with(path, highest)))
    assert output.startswith("Syntax OK! "), output


def test_ranges_are_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text("utf-8")
    for _, where, _, _ in RANGES:
        assert f"`{where.rsplit('.', 1)[-1]}`" in doc, where
