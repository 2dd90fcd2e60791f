"""Flexible configuration: the configuration file as a template, KrakenD's way.

Enabled as KrakenD enables it, by a non-empty ``FC_ENABLE``: the ``-c`` file is a Go
text/template with Sprig's functions plus ``marshal`` and ``include``; each ``.json`` file of
``FC_SETTINGS`` is the object ``.name``; every ``.tmpl`` file of ``FC_TEMPLATES`` is parsed
and callable by its file name (``{{ template "x.tmpl" . }}``); ``FC_PARTIALS`` is the folder
``include`` reads verbatim; ``FC_OUT`` receives the rendered text. A ``.tmpl`` file renders
even without ``FC_ENABLE``. Jinja2 stays for Propylon-written files: a ``.j2``/``.jinja``
file, or ``FC_ENGINE=jinja2``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from propylon.config.errors import ConfigError
from propylon.config.flexible_jinja import describe, render_jinja
from propylon.config.gotemplate import TemplateError, TemplateSet
from propylon.config.gotemplate.gojson import unmarshal
from propylon.config.gotemplate.krakend import krakend_funcs
from propylon.config.text import decode

_GO_SUFFIXES = (".tmpl",)
_JINJA_SUFFIXES = (".j2", ".jinja", ".jinja2")
_ENGINES = ("", "go", "jinja2")


@dataclass
class FlexibleConfig:
    enabled: bool = False
    settings: str = ""
    partials: str = ""
    templates: str = ""
    out: str = ""
    engine: str = ""
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str]) -> FlexibleConfig:
        return cls(
            enabled=env.get("FC_ENABLE", "") != "",
            settings=env.get("FC_SETTINGS", ""),
            partials=env.get("FC_PARTIALS", ""),
            templates=env.get("FC_TEMPLATES", ""),
            out=env.get("FC_OUT", ""),
            engine=env.get("FC_ENGINE", "").lower(),
            env=env,
        )

    def applies_to(self, path: Path) -> bool:
        return self.enabled or path.suffix.lower() in _GO_SUFFIXES + _JINJA_SUFFIXES

    def uses_jinja(self, path: Path) -> bool:
        return self.engine == "jinja2" or path.suffix.lower() in _JINJA_SUFFIXES

    def render(self, path: Path) -> str:
        if self.engine not in _ENGINES:
            raise ConfigError(f"FC_ENGINE must be go or jinja2, not {self.engine!r}")
        if self.uses_jinja(path):
            context: dict[str, Any] = {"env": self.env, **self._settings()}
            text = render_jinja(path, self.templates, context, self.partials)
            self._write_out(text)
            return text
        return self._render_go(path)

    def _render_go(self, path: Path) -> str:
        data = self._settings()
        templates = TemplateSet(krakend_funcs(self.partials or "."))
        try:
            templates.parse(path.name, decode(path.read_bytes()))
            for file in self._template_files():
                templates.parse(file.name, decode(file.read_bytes()))
            text, origin = templates.execute_traced(path.name, data)
        except TemplateError as exc:
            raise ConfigError(exc.message) from None
        self._write_out(text)
        if _is_json(path):
            _check_json(text, origin)
        return text

    def _template_files(self) -> list[Path]:
        if not self.templates:
            return []
        folder = Path(self.templates)
        try:
            names = sorted(p.name for p in folder.iterdir())
        except OSError as exc:
            raise ConfigError(f"FC_TEMPLATES {self.templates}: {exc.strerror}") from None
        return [folder / name for name in names if name.endswith(".tmpl")]

    def _settings(self) -> dict[str, Any]:
        """Each ``.json`` file of FC_SETTINGS, an object, under its name without ``.json``."""
        data: dict[str, Any] = {}
        if not self.settings:
            return data
        try:
            names = sorted(p.name for p in Path(self.settings).iterdir())
        except OSError as exc:
            raise ConfigError(f"FC_SETTINGS {self.settings}: {exc.strerror}") from None
        for name in names:
            if name.endswith(".json"):
                data[name[: -len(".json")]] = _settings_file(Path(self.settings) / name)
        return data

    def _write_out(self, text: str) -> None:
        if self.out:
            try:
                Path(self.out).write_text(text, encoding="utf-8", errors="surrogateescape")
            except OSError as exc:
                raise ConfigError(f"cannot write FC_OUT {self.out}: {exc.strerror}") from None


def _settings_file(file: Path) -> dict[str, Any]:
    """One FC_SETTINGS file: a JSON object (numbers read as Go reads them, float64)."""
    try:
        value = unmarshal(decode(file.read_bytes()))
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at line {exc.lineno}: {exc.msg}"
    except ConfigError as exc:
        message = exc.message
    except OSError as exc:
        message = f"cannot read: {exc.strerror}"
    except RecursionError:
        message = "invalid JSON: nested too deeply"
    except ValueError as exc:
        message = f"invalid JSON: {describe(exc)}"
    else:
        if isinstance(value, dict):
            return value
        message = "must hold a JSON object"
    raise ConfigError(f"settings file {file}: {message}")


def _is_json(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in _GO_SUFFIXES + _JINJA_SUFFIXES:
        suffixes.pop()
    return not suffixes or suffixes[-1] not in (".yaml", ".yml", ".toml")


def _check_json(text: str, origin: Any) -> None:
    """Invalid rendered JSON names the rendered position and the template line behind it."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        name, line = origin(min(exc.pos, max(len(text) - 1, 0)))
        raise ConfigError(
            f"the rendered configuration is not valid JSON at line {exc.lineno}, column "
            f"{exc.colno} (written by template {name} line {line}): {exc.msg}"
        ) from None
    except (RecursionError, ValueError):
        return  # the loader reports these with its own limits
