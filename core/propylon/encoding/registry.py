"""The decoders a backend's ``encoding`` can name; modules may register more."""

from __future__ import annotations

from propylon.encoding.json import factory as json_factory
from propylon.encoding.json import safe_factory as safejson_factory
from propylon.encoding.rss import factory as rss_factory
from propylon.encoding.string import factory as string_factory
from propylon.encoding.types import DecodeError, Decoder, DecoderFactory
from propylon.encoding.xml import factory as xml_factory

__all__ = ["DecodeError", "Decoder", "DecoderFactory", "get_decoder", "names", "register"]

_FACTORIES: dict[str, DecoderFactory] = {
    "json": json_factory,
    "safejson": safejson_factory,
    "string": string_factory,
    "xml": xml_factory,
    "rss": rss_factory,
}


def register(name: str, factory: DecoderFactory) -> None:
    _FACTORIES[name] = factory


def get_decoder(name: str, is_collection: bool) -> Decoder:
    return _FACTORIES[name](is_collection)


def names() -> set[str]:
    return set(_FACTORIES) | {"no-op"}
