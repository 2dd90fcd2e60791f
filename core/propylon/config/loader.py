"""Reads a configuration file (JSON, YAML or TOML), rendered first by the flexible config."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

import yaml

from propylon.config.errors import ConfigError
from propylon.config.flexible import FlexibleConfig


def read_document(path: str | Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The configuration document as a dict; every failure names the file and the cause."""
    path = Path(path)
    env = dict(os.environ) if env is None else env
    try:
        flexible = FlexibleConfig.from_env(env)
        text = flexible.render(path) if flexible.applies_to(path) else path.read_text("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"no such file: {exc.filename}", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=str(path)) from None
    except ConfigError as exc:
        raise exc.located(file=str(path)) from None
    document = _parse(text, path)
    if not isinstance(document, dict):
        raise ConfigError("the top level must be an object", file=str(path))
    return document


def _parse(text: str, path: Path) -> Any:
    suffix = _format_suffix(path)
    try:
        if suffix in (".yaml", ".yml"):
            return yaml.safe_load(text)
        if suffix == ".toml":
            return tomllib.loads(text)
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", file=str(path)
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"invalid YAML{at}: {problem}", file=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", file=str(path)) from None


def _format_suffix(path: Path) -> str:
    """The data format of ``gateway.json`` or of a template such as ``gateway.json.tmpl``."""
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in (".tmpl", ".j2", ".jinja", ".jinja2"):
        suffixes.pop()
    return suffixes[-1] if suffixes else ".json"
