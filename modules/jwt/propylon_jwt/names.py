"""The algorithm and key-id names KrakenD accepts: the option schemas need them without
the JOSE library."""

from __future__ import annotations

from typing import Literal

Algorithm = Literal[
    "EdDSA",
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES384",
    "ES512",
    "PS256",
    "PS384",
    "PS512",
]
Strategy = Literal["kid", "x5t", "x5t#S256", "kid_x5t"]
