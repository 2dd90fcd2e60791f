"""The decoders a backend's ``encoding`` can name; modules may register more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A decoder turns a backend body into the response data; a factory picks one per
# backend, knowing whether the backend returns a collection.
Decoder = Callable[[bytes], dict[str, Any]]
DecoderFactory = Callable[[bool], Decoder]

_FACTORIES: dict[str, DecoderFactory] = {}


class DecodeError(ValueError):
    """A backend body that its declared encoding cannot read."""


def register(name: str, factory: DecoderFactory) -> None:
    _FACTORIES[name] = factory


def get_decoder(name: str, is_collection: bool) -> Decoder:
    return _FACTORIES[name](is_collection)


def names() -> set[str]:
    return set(_FACTORIES) | {"no-op"}


def _register_builtins() -> None:
    from propylon.encoding import json as json_dec
    from propylon.encoding import rss, string, xml

    register("json", json_dec.factory)
    register("safejson", json_dec.safe_factory)
    register("string", string.factory)
    register("xml", xml.factory)
    register("rss", rss.factory)


_register_builtins()
