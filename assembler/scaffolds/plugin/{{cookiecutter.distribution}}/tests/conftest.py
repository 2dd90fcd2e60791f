"""The plugin's package, loaded in each test as the gateway loads its plugin folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from propylon.sdk.testing import PluginRegistry, PluginReport, load_plugins

PACKAGE = Path(__file__).parents[1] / "{{ cookiecutter.package }}"


@pytest.fixture
def loaded() -> tuple[PluginRegistry, PluginReport]:
    registry, (report,) = load_plugins(PACKAGE)
    assert report.ok, report.error
    return registry, report
