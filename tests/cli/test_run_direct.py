"""``propylon run`` is read without invoking typer, so that workers do not inherit it."""

from pathlib import Path

import pytest
from propylon.cli.direct import RunArguments, read_run
from propylon.sdk.testing import imported_by


def test_run_options_are_read_as_typer_reads_them() -> None:
    argv = ["run", "-c", "gateway.json", "-d", "--port", "8081", "-w2", "--log-level", "DEBUG"]
    assert read_run(argv, 0) == RunArguments(Path("gateway.json"), True, 8081, 2, "DEBUG")
    assert read_run(["run", "--config=g.json"], 3) == RunArguments(
        Path("g.json"), False, 0, 3, "INFO"
    )


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["check", "-c", "g.json"],
        ["run"],
        ["run", "-c", "g.json", "--help"],
        ["run", "-c", "g.json", "--bogus"],
        ["run", "-c", "g.json", "-w", "two"],
        ["run", "--conf", "g.json"],
    ],
)
def test_anything_else_is_left_to_typer(argv: list[str]) -> None:
    assert read_run(argv, 0) is None


def test_run_does_not_load_typer_parameter_validation() -> None:
    code = (
        "import sys\n"
        "from propylon.cli.app import build_cli\n"
        "sys.argv = ['propylon', 'run', '-c', '/no/such/gateway.json']\n"
        "try:\n"
        "    build_cli(modules=list)()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 1, exc.code\n"
    )
    assert "pydantic" not in imported_by(code)
