"""Finds the templates (shipped beside the package in the wheel) and renders generated files."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from assembler.errors import AssembleError


def templates_root() -> Path:
    """``templates/`` next to the ``assembler`` package: the repository or site-packages."""
    root = Path(__file__).resolve().parent.parent / "templates"
    if not (root / "files").is_dir():
        raise AssembleError(f"the assembler's templates are missing (looked in {root})")
    return root


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_root() / "files")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["quoted"] = quoted
    return env


def quoted(value: Any) -> str:
    """A double-quoted string valid in TOML and in Dockerfiles (Jinja's tojson is for HTML)."""
    return json.dumps(str(value), ensure_ascii=False)


def render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
