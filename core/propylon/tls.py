"""ssl contexts from the ``tls`` and ``client_tls`` options, as Lura builds its tls.Config.

Python's ssl sets one ECDH curve, not a list: the first of ``curve_preferences`` is used, and
without the option OpenSSL's own list applies. TLS 1.3's cipher suites cannot be chosen (nor
can they in Go); ``cipher_suites`` restricts TLS 1.2 and older.
"""

from __future__ import annotations

import ssl

from propylon.config.tls import (
    CIPHER_SUITES,
    CURVES,
    DEFAULT_CIPHER_SUITES,
    DEFAULT_VERSION,
    ClientTLSOptions,
    TLSOptions,
)

_VERSIONS = {
    "TLS10": ssl.TLSVersion.TLSv1,
    "TLS11": ssl.TLSVersion.TLSv1_1,
    "TLS12": ssl.TLSVersion.TLSv1_2,
    "TLS13": ssl.TLSVersion.TLSv1_3,
}


class TLSError(Exception):
    """A TLS setting that cannot be applied; ``field`` is its path inside the block."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def server_context(options: TLSOptions) -> ssl.SSLContext:
    """The context the gateway listens with; every file it names is read now."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    _apply_common(context, options.min_version, options.max_version, options.cipher_suites)
    _apply_curve(context, options.curve_preferences)
    for where, pair in options.pairs():
        prefix = f"{where}." if where else ""
        _load_pair(context, f"{prefix}public_key", pair.public_key, pair.private_key)
    if options.enable_mtls:
        context.verify_mode = ssl.CERT_REQUIRED
        if not options.disable_system_ca_pool:
            context.load_default_certs(ssl.Purpose.CLIENT_AUTH)
        _load_cas(context, "ca_certs", options.ca_certs)
        # As Lura: the gateway's own certificates are trusted for clients too.
        for where, pair in options.pairs():
            _load_cas(context, f"{where}.public_key" if where else "public_key", [pair.public_key])
    return context


def client_context(options: ClientTLSOptions) -> ssl.SSLContext:
    """The context of the calls to backends over HTTPS."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    _apply_common(context, options.min_version, options.max_version, options.cipher_suites)
    _apply_curve(context, options.curve_preferences)
    if not options.disable_system_ca_pool:
        context.load_default_certs(ssl.Purpose.SERVER_AUTH)
    _load_cas(context, "ca_certs", options.ca_certs)
    for index, cert in enumerate(options.client_certs):
        where = f"client_certs[{index}]"
        _load_pair(context, f"{where}.certificate", cert.certificate, cert.private_key)
    if options.allow_insecure_connections:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _load_pair(context: ssl.SSLContext, field: str, certificate: str, key: str) -> None:
    """A certificate and its key; ``field`` names the certificate (the key's field beside it)."""
    _readable(field, certificate)
    _readable(field.rpartition(".")[0] + ("." if "." in field else "") + "private_key", key)
    try:
        context.load_cert_chain(certificate, key)
    except ssl.SSLError as exc:
        raise TLSError(
            field,
            f"{certificate!r} and {key!r} are no matching PEM certificate "
            f"and key ({exc.reason or exc})",
        ) from None


def _apply_common(
    context: ssl.SSLContext, min_version: str, max_version: str, suites: list[int]
) -> None:
    context.minimum_version = _VERSIONS[min_version or DEFAULT_VERSION]
    context.maximum_version = _VERSIONS[max_version or DEFAULT_VERSION]
    chosen = [s for s in suites if s in CIPHER_SUITES] or list(DEFAULT_CIPHER_SUITES)
    for suite in chosen:
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).set_ciphers(CIPHER_SUITES[suite])
        except ssl.SSLError:
            raise TLSError(
                "cipher_suites",
                f"{suite} ({CIPHER_SUITES[suite]}) is not available in this OpenSSL",
            ) from None
    context.set_ciphers(":".join(CIPHER_SUITES[s] for s in chosen))


def _apply_curve(context: ssl.SSLContext, curves: list[int]) -> None:
    if curves:
        context.set_ecdh_curve(CURVES[curves[0]])


def _readable(field: str, path: str) -> None:
    try:
        with open(path, "rb") as file:
            file.read(1)
    except OSError as exc:
        raise TLSError(field, f"cannot read {path!r}: {exc.strerror or exc}") from None


def _load_cas(context: ssl.SSLContext, field: str, paths: list[str]) -> None:
    for path in paths:
        _readable(field, path)
        try:
            context.load_verify_locations(cafile=path)
        except ssl.SSLError as exc:
            raise TLSError(
                field, f"{path!r} holds no PEM certificate ({exc.reason or exc})"
            ) from None
