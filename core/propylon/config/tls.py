"""The service's ``tls`` (HTTPS served) and ``client_tls`` (HTTPS to backends) blocks.

KrakenD's names and numbers: versions "TLS10".."TLS13", cipher suites and curves as the
numeric IDs of Go's crypto/tls. Both default to TLS 1.3 alone, as Lura reads an absent
version. The files they name are read when the configuration is loaded (``propylon.tls``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from propylon.config.schema import OptionError

VERSIONS = ("TLS10", "TLS11", "TLS12", "TLS13")
DEFAULT_VERSION = "TLS13"
# Go's IDs of the TLS 1.2 (and older) suites -> OpenSSL's names.
CIPHER_SUITES = {
    0x0005: "RC4-SHA",
    0x000A: "DES-CBC3-SHA",
    0x002F: "AES128-SHA",
    0x0035: "AES256-SHA",
    0x003C: "AES128-SHA256",
    0x009C: "AES128-GCM-SHA256",
    0x009D: "AES256-GCM-SHA384",
    0xC007: "ECDHE-ECDSA-RC4-SHA",
    0xC009: "ECDHE-ECDSA-AES128-SHA",
    0xC00A: "ECDHE-ECDSA-AES256-SHA",
    0xC011: "ECDHE-RSA-RC4-SHA",
    0xC012: "ECDHE-RSA-DES-CBC3-SHA",
    0xC013: "ECDHE-RSA-AES128-SHA",
    0xC014: "ECDHE-RSA-AES256-SHA",
    0xC023: "ECDHE-ECDSA-AES128-SHA256",
    0xC027: "ECDHE-RSA-AES128-SHA256",
    0xC02B: "ECDHE-ECDSA-AES128-GCM-SHA256",
    0xC02C: "ECDHE-ECDSA-AES256-GCM-SHA384",
    0xC02F: "ECDHE-RSA-AES128-GCM-SHA256",
    0xC030: "ECDHE-RSA-AES256-GCM-SHA384",
    0xCCA8: "ECDHE-RSA-CHACHA20-POLY1305",
    0xCCA9: "ECDHE-ECDSA-CHACHA20-POLY1305",
}
# TLS 1.3's suites: always enabled, as in Go, which ignores them in this list.
TLS13_SUITES = frozenset((0x1301, 0x1302, 0x1303))
# Lura's defaults for TLS 1.2: ECDHE with AEAD ciphers only.
DEFAULT_CIPHER_SUITES = (0xC02F, 0xC02B, 0xC030, 0xC02C, 0xCCA8, 0xCCA9)
# Go's curve IDs -> OpenSSL's names.
CURVES = {23: "prime256v1", 24: "secp384r1", 25: "secp521r1", 29: "X25519"}


def _check_common(
    min_version: str, max_version: str, cipher_suites: list[int], curves: list[int]
) -> None:
    for key, version in (("min_version", min_version), ("max_version", max_version)):
        if version and version not in VERSIONS:
            hint = " (SSL 3.0 is not available)" if version == "SSL3.0" else ""
            raise OptionError(key, f"{version!r} is not one of {', '.join(VERSIONS)}{hint}")
    low, high = min_version or DEFAULT_VERSION, max_version or DEFAULT_VERSION
    if VERSIONS.index(low) > VERSIONS.index(high):
        raise OptionError("min_version", f"{low} is above max_version {high}")
    for suite in cipher_suites:
        if suite not in CIPHER_SUITES and suite not in TLS13_SUITES:
            raise OptionError("cipher_suites", f"{suite} is not a cipher suite ID of Go's TLS")
    for curve in curves:
        if curve not in CURVES:
            known = ", ".join(f"{k} ({v})" for k, v in CURVES.items())
            raise OptionError("curve_preferences", f"{curve} is not a known curve: use {known}")


@dataclass(frozen=True)
class KeyPair:
    public_key: str
    private_key: str


@dataclass(frozen=True)
class TLSOptions:
    disabled: bool = False
    public_key: str = ""
    private_key: str = ""
    keys: list[KeyPair] = field(default_factory=list)
    ca_certs: list[str] = field(default_factory=list)
    min_version: str = ""
    max_version: str = ""
    curve_preferences: list[int] = field(default_factory=list)
    prefer_server_cipher_suites: bool = False
    cipher_suites: list[int] = field(default_factory=list)
    enable_mtls: bool = False
    disable_system_ca_pool: bool = False

    def __post_init__(self) -> None:
        _check_common(
            self.min_version, self.max_version, self.cipher_suites, self.curve_preferences
        )
        if self.disabled:
            return
        if bool(self.public_key) != bool(self.private_key):
            missing = "private_key" if self.public_key else "public_key"
            raise OptionError(missing, "is required with the other key of the pair")
        if not self.pairs():
            raise OptionError(
                "public_key", "a certificate is required: public_key and private_key, or keys"
            )

    def pairs(self) -> list[tuple[str, KeyPair]]:
        """Every certificate with the field it comes from: the top-level pair, then ``keys``."""
        found = [(f"keys[{i}]", pair) for i, pair in enumerate(self.keys)]
        if self.public_key:
            found.insert(0, ("", KeyPair(self.public_key, self.private_key)))
        return found


@dataclass(frozen=True)
class ClientCert:
    certificate: str
    private_key: str


@dataclass(frozen=True)
class ClientTLSOptions:
    allow_insecure_connections: bool = False
    ca_certs: list[str] = field(default_factory=list)
    disable_system_ca_pool: bool = False
    min_version: str = ""
    max_version: str = ""
    curve_preferences: list[int] = field(default_factory=list)
    cipher_suites: list[int] = field(default_factory=list)
    client_certs: list[ClientCert] = field(default_factory=list)

    def __post_init__(self) -> None:
        _check_common(
            self.min_version, self.max_version, self.cipher_suites, self.curve_preferences
        )
