"""The TLS settings of the JWK client, from KrakenD's ``cipher_suites``, ``jwk_local_ca`` and
``disable_jwk_security``.

KrakenD names TLS 1.2 cipher suites by their IANA numbers (Go's ``tls`` constants); OpenSSL
names them otherwise, so each number is mapped to its OpenSSL name. As in Go, the TLS 1.3
suites cannot be restricted: their numbers are accepted and always enabled.
"""

from __future__ import annotations

import hashlib
import ssl
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

# IANA number -> OpenSSL name of each TLS 1.2 suite KrakenD accepts.
TLS12_SUITES: dict[int, str] = {
    5: "RC4-SHA",
    10: "DES-CBC3-SHA",
    47: "AES128-SHA",
    53: "AES256-SHA",
    60: "AES128-SHA256",
    156: "AES128-GCM-SHA256",
    157: "AES256-GCM-SHA384",
    49159: "ECDHE-ECDSA-RC4-SHA",
    49161: "ECDHE-ECDSA-AES128-SHA",
    49162: "ECDHE-ECDSA-AES256-SHA",
    49169: "ECDHE-RSA-RC4-SHA",
    49170: "ECDHE-RSA-DES-CBC3-SHA",
    49171: "ECDHE-RSA-AES128-SHA",
    49172: "ECDHE-RSA-AES256-SHA",
    49187: "ECDHE-ECDSA-AES128-SHA256",
    49191: "ECDHE-RSA-AES128-SHA256",
    49199: "ECDHE-RSA-AES128-GCM-SHA256",
    49195: "ECDHE-ECDSA-AES128-GCM-SHA256",
    49200: "ECDHE-RSA-AES256-GCM-SHA384",
    49196: "ECDHE-ECDSA-AES256-GCM-SHA384",
    52392: "ECDHE-RSA-CHACHA20-POLY1305",
    52393: "ECDHE-ECDSA-CHACHA20-POLY1305",
}
# TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256.
TLS13_SUITES = frozenset((4865, 4866, 4867))
# KrakenD's defaults: forward-secret AEAD suites only.
DEFAULT_SUITES = (49199, 49195, 49200, 49196, 52392, 52393)


def cipher_problem(suites: Sequence[int]) -> str:
    """Why ``suites`` cannot be used, or an empty string."""
    unknown = [s for s in suites if s not in TLS12_SUITES and s not in TLS13_SUITES]
    if unknown:
        return f"unknown cipher suite {unknown[0]} (use the IANA numbers KrakenD documents)"
    names = [TLS12_SUITES[s] for s in suites if s in TLS12_SUITES]
    if names:
        try:
            ssl.create_default_context().set_ciphers(":".join(names))
        except ssl.SSLError:
            return "none of these cipher suites is available in this OpenSSL"
    return ""


def ca_problem(path: str) -> str:
    """Why the CA file at ``path`` cannot be used, or an empty string."""
    try:
        ssl.create_default_context().load_verify_locations(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        return f"cannot load {path!r} as PEM certificates: {exc.strerror or exc}"
    return ""


def client_context(
    suites: Sequence[int], local_ca: str, insecure: bool, pins: Sequence[bytes] = ()
) -> ssl.SSLContext:
    """The client context: the system's CAs plus ``local_ca``, TLS 1.2 at least, no
    certificate verification at all when ``insecure`` (``disable_jwk_security``), and with
    ``pins`` a handshake that fails unless the server's key is one of them."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if local_ca:
        context.load_verify_locations(cafile=local_ca)
    names = [TLS12_SUITES[s] for s in (suites or DEFAULT_SUITES) if s in TLS12_SUITES]
    if names:
        context.set_ciphers(":".join(names))
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if pins:
        context.sslobject_class = _pinned(frozenset(pins))
    return context


def spki_sha256(der_certificate: bytes) -> bytes:
    """The SHA-256 digest of a certificate's public key (SubjectPublicKeyInfo), as pinned."""
    key = x509.load_der_x509_certificate(der_certificate).public_key()
    return hashlib.sha256(
        key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    ).digest()


def _pinned(pins: frozenset[bytes]) -> type[ssl.SSLObject]:
    """An SSLObject whose handshake checks the server certificate's key against ``pins``."""

    class PinnedSSLObject(ssl.SSLObject):
        def do_handshake(self) -> None:
            super().do_handshake()
            der = self.getpeercert(binary_form=True)
            if not der or spki_sha256(der) not in pins:
                raise ssl.SSLError("the server's certificate holds no pinned key")

    return PinnedSSLObject
