"""Renders the files ``assemble build`` generates (edition project, Dockerfile) from the
Jinja2 templates in ``assembler/generated``, loaded as package resources so any install works.
"""

from __future__ import annotations

import json
import string
from functools import cache
from typing import Any

import jinja2
import tomlkit


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("assembler", "generated"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(toml=toml, py=py, docker=docker, md=md, json=json_value)
    return env


# Every value a template writes goes through the filter of the file's format, so a manifest
# value is read back as exactly the text given, never as more syntax.


def toml(value: Any) -> str:
    """A TOML basic string (also a quoted key), written by tomlkit."""
    return tomlkit.string(str(value)).as_string()


def py(value: Any) -> str:
    """A Python string literal."""
    return repr(str(value))


def json_value(value: Any) -> str:
    """JSON (also a Dockerfile's exec form, which is a JSON array)."""
    return json.dumps(value, ensure_ascii=False)


def docker(value: Any) -> str:
    """A double-quoted Dockerfile word: Docker expands $ and unescapes only \\, " and $."""
    text = str(value)
    for char in ("\\", '"', "$"):
        text = text.replace(char, "\\" + char)
    return f'"{text}"'


def md(value: Any) -> str:
    """Markdown text: CommonMark lets a backslash escape any ASCII punctuation."""
    return "".join("\\" + c if c in string.punctuation else c for c in str(value))


def render(name: str, **context: Any) -> str:
    """The template ``name`` (a path under ``generated/``) filled with ``context``."""
    return environment().get_template(name).render(**context)
