"""``assemble new edition|module|plugin``: cookiecutter templates shipped with the assembler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assembler.errors import AssembleError
from assembler.manifest.values import distribution_problem
from assembler.templates import templates_root

KINDS = ("edition", "module", "plugin")


def propylon_checkout() -> str:
    """The Propylon checkout the assembler runs from, if any: editions then build from it."""
    root = templates_root().parent
    return str(root) if (root / "core" / "pyproject.toml").is_file() else ""


def new(kind: str, output_dir: Path, *, no_input: bool, context: dict[str, Any]) -> Path:
    from cookiecutter.exceptions import CookiecutterException, OutputDirExistsException
    from cookiecutter.main import cookiecutter

    if kind not in KINDS:
        raise AssembleError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    template = templates_root() / kind
    if not (template / "cookiecutter.json").is_file():
        raise AssembleError(f"the {kind} template is not installed (looked in {template})")
    for key, value in context.items():
        reason = distribution_problem(str(value)) if key.endswith("_name") else None
        if reason is not None:
            raise AssembleError(f"--name: {reason}")
    if kind == "edition":
        context = {"propylon_checkout": propylon_checkout(), **context}
    try:
        path = cookiecutter(
            str(template), no_input=no_input, extra_context=context, output_dir=str(output_dir)
        )
    except OutputDirExistsException as exc:
        raise AssembleError(f"{exc}: choose another name or folder") from None
    except CookiecutterException as exc:
        raise AssembleError(f"the {kind} template failed: {exc}") from None
    return Path(path)
