"""A plugin that exits (``sys.exit``) at import or in ``register`` is reported, not obeyed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from propylon.plugin.loader import load_folder
from propylon.plugin.registry import PluginRegistry


@pytest.mark.parametrize(
    "source",
    [
        "import sys\nsys.exit(3)\n",
        "def register(registrar):\n    raise SystemExit('bye')\n",
    ],
)
def test_exiting_plugin_is_reported_and_skipped(tmp_path: Path, source: str) -> None:
    (tmp_path / "quitter.py").write_text(source, encoding="utf-8")
    reports = load_folder(tmp_path, ".py", PluginRegistry(), logging.getLogger("test"))
    assert len(reports) == 1 and not reports[0].ok
    assert "quitter.py" in str(reports[0].path)
