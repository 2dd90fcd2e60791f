"""XML bodies as maps: attributes under ``-name``, mixed text under ``#text``.

xmltodict is imported by the first XML body decoded: gateways without XML backends do not
load it."""

from __future__ import annotations

from typing import Any
from xml.parsers.expat import ExpatError

from propylon.encoding.types import DecodeError, Decoder

ATTR_PREFIX = "-"
TEXT_KEY = "#text"


def decode(body: bytes) -> dict[str, Any]:
    import xmltodict

    try:
        value = xmltodict.parse(
            body, attr_prefix=ATTR_PREFIX, cdata_key=TEXT_KEY, disable_entities=True
        )
    except ExpatError as exc:
        raise DecodeError(f"invalid XML from backend: {exc}") from None
    return dict(value or {})


def decode_collection(body: bytes) -> dict[str, Any]:
    value = decode(body)
    items: Any = next(iter(value.values()), []) if len(value) == 1 else value
    return {"collection": items if isinstance(items, list) else [items]}


def factory(is_collection: bool) -> Decoder:
    return decode_collection if is_collection else decode
