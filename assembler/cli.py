"""The ``assemble`` command: lock, build, push, check, new, outdated, upgrade, diff, verify.

Every error a user can fix ends as one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from assembler.commands import build, check, diff, lock, new, outdated, push, verify
from assembler.commands.common import console
from assembler.errors import AssembleError, one_line

app = typer.Typer(
    name="assemble",
    help="Assemble custom Propylon gateway editions from a manifest: lock, build, image.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("lock")(lock.lock_command)
app.command("build")(build.build_command)
app.command("push")(push.push_command)
app.command("check")(check.check_command)
app.command("new")(new.new_command)
app.command("outdated")(outdated.outdated_command)
app.command("upgrade")(outdated.upgrade_command)
app.command("diff")(diff.diff_command)
app.command("verify")(verify.verify_command)


def fail(message: str) -> None:
    """One line on stderr, whatever the message holds (markup, line breaks), and exit 1."""
    console.print(f"[red]error:[/] {escape(one_line(message))}", soft_wrap=True)
    sys.exit(1)


def main() -> None:
    try:
        app()
    except AssembleError as exc:
        fail(str(exc))
    except OSError as exc:  # a disk, permission or network problem: still one line
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        fail(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        console.print("[red]interrupted[/]: the previous output is unchanged")
        sys.exit(130)
