"""Jinja2 rendering of Propylon-written configurations (a ``.j2`` file, or ``FC_ENGINE=jinja2``).

The same FC_* variables as the Go templates: each FC_SETTINGS file by its name, ``env``,
``include("name")`` reading FC_PARTIALS, FC_TEMPLATES searched by ``{% include %}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from propylon.config.errors import ConfigError, preview
from propylon.config.text import decode, not_utf8


def render_jinja(path: Path, templates: str, context: dict[str, Any], partials: str) -> str:
    import jinja2  # here: a gateway whose configuration is no Jinja template never loads it

    search = [str(path.parent)] + [p for p in (templates,) if p]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.globals.update(context)
    environment.globals["include"] = lambda name: _include(partials, name)
    environment.filters["tojson"] = lambda v: json.dumps(v)
    try:
        return environment.get_template(path.name).render()
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
        raise ConfigError(f"template error{_line(exc, path)}: {describe(exc)}") from None


def _include(partials: str, name: str) -> str:
    base = Path(partials) if partials else Path(".")
    try:
        return decode((base / name).read_bytes())
    except OSError as exc:
        raise ConfigError(f"partial {preview(name)}: {exc.strerror}") from None
    except ConfigError as exc:
        raise ConfigError(f"partial {preview(name)}: {exc.message}") from None


def describe(exc: Exception) -> str:
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
