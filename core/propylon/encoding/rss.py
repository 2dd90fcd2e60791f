"""RSS 2.0 and Atom feeds, read into the channel's fields and its ``items``."""

from __future__ import annotations

from typing import Any

from propylon.encoding.types import Decoder
from propylon.encoding.xml import decode as decode_xml


def decode(body: bytes) -> dict[str, Any]:
    document = decode_xml(body)
    if "rss" in document:
        channel = dict((document["rss"] or {}).get("channel") or {})
        items = channel.pop("item", [])
    elif "feed" in document:
        channel = dict(document["feed"] or {})
        items = channel.pop("entry", [])
    else:
        return document
    channel["items"] = items if isinstance(items, list) else [items]
    return channel


def factory(_is_collection: bool) -> Decoder:
    return decode
