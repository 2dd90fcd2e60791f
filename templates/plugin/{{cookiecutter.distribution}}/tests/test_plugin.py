"""The plugin registers its three handlers with the names the gateway's config uses."""

from __future__ import annotations

import logging
from pathlib import Path

from propylon.plugin.loader import load_plugin
from propylon.plugin.registry import PluginRegistry

PACKAGE = Path(__file__).parents[1] / "{{ cookiecutter.package }}"


def test_registers_every_kind() -> None:
    registry = PluginRegistry()
    report = load_plugin(PACKAGE, registry, logging.getLogger("test"))
    assert report.ok, report.error
    assert report.registered["server"] == ["{{ cookiecutter.plugin_name }}"]
    assert report.registered["client"] == ["{{ cookiecutter.plugin_name }}"]
    assert report.registered["response_modifier"] == ["{{ cookiecutter.plugin_name }}"]


def test_response_modifier_stamps_data() -> None:
    registry = PluginRegistry()
    load_plugin(PACKAGE, registry, logging.getLogger("test"))

    class Response:
        data: dict = {}

    modified = registry.response_modifier["{{ cookiecutter.plugin_name }}"]({})(Response())
    assert modified.data == {"{{ cookiecutter.plugin_name }}": True}
