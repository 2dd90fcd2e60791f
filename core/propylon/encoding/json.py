"""JSON bodies: an object, a collection (``is_collection``) or anything (``safejson``)."""

from __future__ import annotations

from typing import Any

import orjson

from propylon.encoding.types import DecodeError, Decoder


def _loads(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"invalid JSON from backend: {exc}") from None


def decode_object(body: bytes) -> dict[str, Any]:
    value = _loads(body)
    if isinstance(value, dict):
        return value
    raise DecodeError(f"expected a JSON object from backend, got {type(value).__name__}")


def decode_collection(body: bytes) -> dict[str, Any]:
    value = _loads(body)
    if isinstance(value, list):
        return {"collection": value}
    raise DecodeError(f"expected a JSON array from backend, got {type(value).__name__}")


def decode_safe(body: bytes) -> dict[str, Any]:
    value = _loads(body)
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {"collection": value}
    return {"content": value}


def factory(is_collection: bool) -> Decoder:
    return decode_collection if is_collection else decode_object


def safe_factory(_is_collection: bool) -> Decoder:
    return decode_safe
