"""Plain-text bodies, kept whole under ``content``."""

from __future__ import annotations

from typing import Any

from propylon.encoding.types import Decoder


def decode(body: bytes) -> dict[str, Any]:
    return {"content": body.decode("utf-8", errors="replace")}


def factory(_is_collection: bool) -> Decoder:
    return decode
