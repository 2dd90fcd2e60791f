"""``propylon run`` read without typer.

The gateway's workers are forked from the process that parsed the command line: everything
it imported, they inherit and hold. Invoking a typer command loads its parameter validation
(pydantic, about 7 MB); a plain ``run`` command line is therefore read here, with the same
options. Anything else (help, a missing or malformed option, another command) is left to
typer, which explains it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunArguments:
    config: Path
    debug: bool
    port: int
    workers: int
    log_level: str


class _Unreadable(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _Unreadable(message)


def read_run(argv: list[str], default_workers: int) -> RunArguments | None:
    """The options of ``run`` in ``argv`` (without the program name), or None to use typer."""
    if not argv or argv[0] != "run":
        return None
    parser = _Parser(add_help=False, allow_abbrev=False)
    parser.add_argument("--config", "-c", type=Path)
    parser.add_argument("--debug", "-d", action="store_true")
    parser.add_argument("--port", "-p", type=int, default=0)
    parser.add_argument("--workers", "-w", type=int, default=default_workers)
    parser.add_argument("--log-level", "-l", default="INFO")
    try:
        found, rest = parser.parse_known_args(argv[1:])
    except _Unreadable:
        return None
    if rest or found.config is None:
        return None
    return RunArguments(found.config, found.debug, found.port, found.workers, found.log_level)
