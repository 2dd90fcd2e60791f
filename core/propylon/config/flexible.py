"""Flexible configuration: the config file as a Jinja2 template, with settings and partials.

Enabled as KrakenD enables its own: ``FC_ENABLE=1``, with ``FC_SETTINGS`` (a folder of JSON
files, each available by its name), ``FC_PARTIALS`` (files included verbatim with
``include("name")``), ``FC_TEMPLATES`` (Jinja2 templates usable with ``{% include %}``) and
``FC_OUT`` (where to write the rendered result, for inspection). A file whose name ends in
``.tmpl`` or ``.j2`` is always rendered. ``env`` holds the environment.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from propylon.config.errors import ConfigError, preview
from propylon.config.text import decode, not_utf8

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
        except ConfigError:
            raise
        except jinja2.TemplateNotFound as exc:
            raise ConfigError(f"template not found: {preview(exc.name)}") from None
        except jinja2.TemplateSyntaxError as exc:
            raise ConfigError(
                f"template syntax error at {exc.name or path.name}:{exc.lineno}: {exc.message}"
            ) from None
        except jinja2.UndefinedError as exc:
            raise ConfigError(f"template error: {exc.message}") from None
        except UnicodeDecodeError as exc:
            raise not_utf8(exc) from None
        except RecursionError:
            raise ConfigError("template error: nested too deeply to render") from None
        except OSError:
            raise
        except Exception as exc:  # a template runs arbitrary expressions
            raise ConfigError(f"template error{_line(exc, path)}: {_describe(exc)}") from None
        if self.out:
            try:
                Path(self.out).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot write FC_OUT {self.out}: {exc.strerror}") from None
        return text

    def _context(self) -> dict[str, Any]:
        context: dict[str, Any] = {"env": self.env, "include": self._include}
        if self.settings:
            for file in sorted(Path(self.settings).glob("*.json")):
                context[file.stem] = _settings(file)
        return context

    def _include(self, name: str) -> str:
        base = Path(self.partials) if self.partials else Path(".")
        try:
            return decode((base / name).read_bytes())
        except OSError as exc:
            raise ConfigError(f"partial {preview(name)}: {exc.strerror}") from None
        except ConfigError as exc:
            raise ConfigError(f"partial {preview(name)}: {exc.message}") from None


def _settings(file: Path) -> Any:
    """One FC_SETTINGS file, a JSON document; its errors name it."""
    try:
        return json.loads(decode(file.read_bytes()))
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at line {exc.lineno}: {exc.msg}"
    except ConfigError as exc:
        message = exc.message
    except OSError as exc:
        message = f"cannot read: {exc.strerror}"
    except RecursionError:
        message = "invalid JSON: nested too deeply"
    except ValueError as exc:
        message = f"invalid JSON: {_describe(exc)}"
    raise ConfigError(f"settings file {file}: {message}")


def _describe(exc: Exception) -> str:
    """``ZeroDivisionError: division by zero``, safe whatever the message quotes."""
    message = str(exc)
    if isinstance(exc, ValueError) and "integer string conversion" in message:
        return f"a number of more than {sys.get_int_max_str_digits()} digits"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _line(exc: Exception, path: Path) -> str:
    """`` at NAME:LINE`` of the template frame that raised, when Jinja2 kept it."""
    line = ""
    tb = exc.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == path.name:
            line = f" at {path.name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return line
