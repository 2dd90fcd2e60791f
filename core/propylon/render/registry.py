"""The renderers an endpoint's ``output_encoding`` can name; modules may register more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A renderer gets the response data and the client's Accept header (for negotiation), and
# returns the body and its content type.
Renderer = Callable[[dict[str, Any], str], tuple[bytes, str]]

_RENDERERS: dict[str, Renderer] = {}


def register(name: str, renderer: Renderer) -> None:
    _RENDERERS[name] = renderer


def get_renderer(name: str) -> Renderer:
    return _RENDERERS.get(name) or _RENDERERS["json"]


def names() -> set[str]:
    return set(_RENDERERS) | {"no-op"}


def _register_builtins() -> None:
    from propylon.render import formats, negotiate

    register("json", formats.render_json)
    register("json-collection", formats.render_json_collection)
    register("string", formats.render_string)
    register("xml", formats.render_xml)
    register("yaml", formats.render_yaml)
    register("negotiate", negotiate.render)


_register_builtins()
