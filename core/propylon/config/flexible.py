"""Flexible configuration: the config file as a Jinja2 template, with settings and partials.

Enabled as KrakenD enables its own: ``FC_ENABLE=1``, with ``FC_SETTINGS`` (a folder of JSON
files, each available by its name), ``FC_PARTIALS`` (files included verbatim with
``include("name")``), ``FC_TEMPLATES`` (Jinja2 templates usable with ``{% include %}``) and
``FC_OUT`` (where to write the rendered result, for inspection). A file whose name ends in
``.tmpl`` or ``.j2`` is always rendered. ``env`` holds the environment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from propylon.config.errors import ConfigError

_TEMPLATE_SUFFIXES = (".tmpl", ".j2", ".jinja", ".jinja2")


@dataclass
class FlexibleConfig:
    enabled: bool = False
    settings: str = ""
    partials: str = ""
    templates: str = ""
    out: str = ""
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str]) -> FlexibleConfig:
        return cls(
            enabled=env.get("FC_ENABLE", "") not in ("", "0", "false"),
            settings=env.get("FC_SETTINGS", ""),
            partials=env.get("FC_PARTIALS", ""),
            templates=env.get("FC_TEMPLATES", ""),
            out=env.get("FC_OUT", ""),
            env=env,
        )

    def applies_to(self, path: Path) -> bool:
        return self.enabled or path.suffix.lower() in _TEMPLATE_SUFFIXES

    def render(self, path: Path) -> str:
        search = [str(path.parent)] + [p for p in (self.templates,) if p]
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(search),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
        )
        environment.globals.update(self._context())
        environment.filters["tojson"] = lambda v: json.dumps(v)
        try:
            text = environment.get_template(path.name).render()
        except jinja2.TemplateNotFound as exc:
            raise ConfigError(f"template not found: {exc.name}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(
                f"template syntax error at {exc.filename or path.name}:{exc.lineno}: {exc.message}"
            ) from None
        except jinja2.UndefinedError as exc:
            raise ConfigError(f"template error: {exc.message}") from None
        if self.out:
            Path(self.out).write_text(text, encoding="utf-8")
        return text

    def _context(self) -> dict[str, Any]:
        context: dict[str, Any] = {"env": self.env, "include": self._include}
        if self.settings:
            for file in sorted(Path(self.settings).glob("*.json")):
                try:
                    context[file.stem] = json.loads(file.read_text(encoding="utf-8"))
                except json.JSONDecodeError as exc:
                    raise ConfigError(
                        f"settings file {file}: invalid JSON at line {exc.lineno}: {exc.msg}"
                    ) from None
        return context

    def _include(self, name: str) -> str:
        base = Path(self.partials) if self.partials else Path(".")
        try:
            return (base / name).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"partial {name!r}: {exc.strerror}") from None
