"""``propylon check`` run in this process, as the installed command runs it: the same click
command, standalone, its exit code and output (problems first, then the verdict) returned."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import typer
from propylon.cli.app import build_cli
from propylon.modules import installed_modules

Check = Callable[[Path], str]


@contextlib.contextmanager
def checker() -> Iterator[Check]:
    """``check(path) -> output``, each output verified by ``assert_clean``; logging restored."""
    loaded = list(installed_modules())
    command = typer.main.get_command(build_cli(modules=lambda: loaded))
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))

    def check(path: Path) -> str:
        out, err = io.StringIO(), io.StringIO()
        code: int | str | None = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                command.main(["check", "-c", str(path)], prog_name="propylon")
            except SystemExit as exc:
                code = exc.code
        output = err.getvalue() + out.getvalue()  # problems come before the verdict
        assert_clean(code, output, path)
        return output

    try:
        yield check
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]


def assert_clean(code: int | str | None, output: str, path: Path) -> None:
    """Exit 0 ending with 'Syntax OK!', or exit 1 with an error; every other line a problem
    naming the file; never a traceback."""
    assert "Traceback" not in output, output
    lines = output.strip("\n").split("\n")
    error, warning = f"ERROR: {path}: ", f"WARNING: {path}: "
    if code == 0:
        assert lines.pop().startswith("Syntax OK! "), output[:2000]
    else:
        assert code == 1, output[:2000]
        assert any(line.startswith(error) for line in lines), output[:2000]
    for line in lines:
        assert line.startswith((error, warning)), f"{path.name}: {output[:2000]}"
