"""``assemble new edition|module|plugin``: the cookiecutter scaffolds shipped in the package.

They are package resources (``assembler/scaffolds/<kind>``), so a plain wheel install has
them; the edition's hook renders its first module from the module scaffold beside it.
"""

from __future__ import annotations

import importlib.resources
import shutil
from pathlib import Path
from typing import Any

from assembler.errors import AssembleError
from assembler.manifest.values import distribution_problem

KINDS = ("edition", "module", "plugin")


def propylon_checkout() -> str:
    """The Propylon checkout the assembler runs from, if any: editions then build from it."""
    root = Path(__file__).resolve().parent.parent
    return str(root) if (root / "core" / "pyproject.toml").is_file() else ""


def new(kind: str, output_dir: Path, *, no_input: bool, context: dict[str, Any]) -> Path:
    """Renders the ``kind`` scaffold into ``output_dir``; returns the new project's folder."""
    from cookiecutter.exceptions import CookiecutterException, OutputDirExistsException
    from cookiecutter.main import cookiecutter

    if kind not in KINDS:
        raise AssembleError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    for key, value in context.items():
        reason = distribution_problem(str(value)) if key.endswith("_name") else None
        if reason is not None:
            raise AssembleError(f"--name: {reason}")
    if kind == "edition":
        context = {"propylon_checkout": propylon_checkout(), **context}
    resource = importlib.resources.files("assembler") / "scaffolds" / kind
    with importlib.resources.as_file(resource) as template:
        if not (template / "cookiecutter.json").is_file():
            raise AssembleError(f"the {kind} template is not installed (looked in {template})")
        try:
            path = cookiecutter(
                str(template), no_input=no_input, extra_context=context, output_dir=str(output_dir)
            )
        except OutputDirExistsException as exc:
            raise AssembleError(f"{exc}: choose another name or folder") from None
        except CookiecutterException as exc:
            raise AssembleError(f"the {kind} template failed: {exc}") from None
    # An installer compiles the scaffolds' valid .py files in site-packages; cookiecutter
    # would copy those caches into the new project.
    for cache in sorted(Path(path).rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
    return Path(path)
