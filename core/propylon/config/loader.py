"""Reads a configuration file (JSON, YAML or TOML), rendered first by the flexible config.

Whatever the bytes, the result is a document of the shape a gateway can serve or a
ConfigError naming the file and the cause: invalid UTF-8, duplicate keys, NaN, numbers too
long to read and nesting deep enough to exhaust the parser's stack included.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from propylon.config.errors import ConfigError, preview
from propylon.config.flexible import FlexibleConfig
from propylon.config.limits import MAX_DEPTH
from propylon.config.shape import check_shape
from propylon.config.text import decode


def read_document(path: str | Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The configuration document as a dict; every failure names the file and the cause."""
    path = Path(path)
    env = dict(os.environ) if env is None else env
    try:
        flexible = FlexibleConfig.from_env(env)
        text = flexible.render(path) if flexible.applies_to(path) else decode(path.read_bytes())
        document = _parse(text, _format_suffix(path))
        if not isinstance(document, dict):
            raise ConfigError("the top level must be an object")
        check_shape(document)
    except FileNotFoundError as exc:
        raise ConfigError(f"no such file: {exc.filename}", file=str(path)) from None
    except IsADirectoryError:
        raise ConfigError("is a directory, not a file", file=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    except ConfigError as exc:
        raise exc.located(file=str(path)) from None
    return document


def _parse(text: str, suffix: str) -> Any:
    kind = {".yaml": "YAML", ".yml": "YAML", ".toml": "TOML"}.get(suffix, "JSON")
    try:
        # The YAML and TOML parsers are imported for such files only.
        if kind == "YAML":
            from propylon.config.yaml_text import parse_yaml

            return parse_yaml(text)
        if kind == "TOML":
            return _parse_toml(text)
        return json.loads(text, object_pairs_hook=_json_object, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise ConfigError(f"invalid {kind}: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:
        raise ConfigError(f"invalid {kind}: {_value_error(exc)}") from None


def _parse_toml(text: str) -> Any:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}") from None


def _value_error(exc: ValueError) -> str:
    """What a parser's ValueError means to a user (the interpreter's integer limit, mostly)."""
    message = str(exc)
    if "integer string conversion" in message:
        return f"a number of more than {sys.get_int_max_str_digits()} digits"
    return message


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {preview(key)}")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are unique: a repeated key is a mistake, not an override."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _format_suffix(path: Path) -> str:
    """The data format of ``gateway.json`` or of a template such as ``gateway.json.tmpl``."""
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in (".tmpl", ".j2", ".jinja", ".jinja2"):
        suffixes.pop()
    return suffixes[-1] if suffixes else ".json"
