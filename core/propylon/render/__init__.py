"""Output encodings: how an endpoint's response data is written to the client."""

from propylon.render.registry import Renderer, get_renderer, names, register

__all__ = ["Renderer", "get_renderer", "names", "register"]
