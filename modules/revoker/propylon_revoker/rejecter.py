"""What a token is checked against: each ``token_keys`` claim, as ``<claim>-<value>``.

As in KrakenD, the element revoked for ``{"claim": "jti", "value": "abc"}`` is ``jti-abc``, so
the same value in two claims is two revocations. KrakenD checks string claims only; integers
are checked too here (by their decimal text), so a numeric ``sub`` can be revoked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from propylon.sdk import TokenRejecter


class Revoked(Protocol):
    def contains(self, element: bytes) -> bool: ...


def element(claim: str, value: str) -> bytes:
    return f"{claim}-{value}".encode()


def claim_text(value: object) -> str | None:
    """The text a claim value is revoked by; None for values that cannot be revoked."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def rejecter(revoked: Revoked, token_keys: tuple[str, ...]) -> TokenRejecter:
    def reject(claims: Mapping[str, Any]) -> bool:
        for claim in token_keys:
            text = claim_text(claims.get(claim))
            if text is not None and revoked.contains(element(claim, text)):
                return True
        return False

    return reject
