"""JSON Web Key sets: read, and indexed by the id a token names its key with.

``key_identify_strategy`` says which id: the key's ``kid`` (the default), its certificate
thumbprint ``x5t`` or ``x5t#S256``, or ``kid`` and ``x5t`` together (``kid_x5t``). A token's
id is read from its header the same way; without the thumbprint it falls back to its ``kid``,
as KrakenD does.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import Key, import_key

from propylon_jwt.names import Strategy

# The size of a key set file or download this gateway reads.
MAX_KEY_SET_BYTES = 1024 * 1024


class KeySetError(ValueError):
    """A key set that cannot be used; the message says why (never a key)."""


def parse_key_set(data: bytes) -> list[Key]:
    """The keys of a JWK set document. Keys of a type joserfc cannot import are skipped;
    a set without a single usable key is an error."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise KeySetError(f"not JSON ({exc})") from None
    raw_keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(raw_keys, list):
        raise KeySetError('not a JWK set (no "keys" list)')
    keys = []
    for raw in raw_keys:
        if not isinstance(raw, dict):
            continue
        try:
            keys.append(import_key(raw))
        except (JoseError, ValueError, TypeError, KeyError):
            continue
    if not keys:
        raise KeySetError("no usable key in the set")
    return keys


def read_key_file(path: str) -> list[Key]:
    """The keys of the JWK set at ``path`` (``jwk_local_path``)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_KEY_SET_BYTES + 1)
    except OSError as exc:
        raise KeySetError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    if len(data) > MAX_KEY_SET_BYTES:
        raise KeySetError(f"{path!r} is larger than {MAX_KEY_SET_BYTES} bytes")
    try:
        return parse_key_set(data)
    except KeySetError as exc:
        raise KeySetError(f"{path!r}: {exc}") from None


def index_keys(keys: Iterable[Key], strategy: Strategy) -> dict[str, Key]:
    """``keys`` by the id ``strategy`` gives them (a later key replaces an earlier one)."""
    return {key_id(key, strategy): key for key in keys}


def key_id(key: Key, strategy: Strategy) -> str:
    kid = str(key.get("kid") or "")
    if strategy == "kid":
        return kid
    if strategy == "x5t#S256":
        return _thumbprint(key.get("x5t#S256"), 32)
    x5t = _thumbprint(key.get("x5t"), 20)
    return kid + x5t if strategy == "kid_x5t" else x5t


def token_key_id(header: Mapping[str, Any], strategy: Strategy) -> str:
    kid = header.get("kid")
    kid = kid if isinstance(kid, str) else ""
    if strategy == "kid":
        return kid
    name = "x5t#S256" if strategy == "x5t#S256" else "x5t"
    value = header.get(name)
    thumbprint = value if isinstance(value, str) else kid
    return kid + thumbprint if strategy == "kid_x5t" else thumbprint


def _thumbprint(value: object, size: int) -> str:
    """A JWK's thumbprint as unpadded base64url; some providers publish it hex-encoded."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return ""
    if len(raw) == 2 * size:
        try:
            raw = bytes.fromhex(raw.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            return ""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
