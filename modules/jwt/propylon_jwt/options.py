"""The ``auth/validator`` and ``auth/signer`` options, with KrakenD's names and defaults.

``auth/validator`` is read at two levels with different fields: in an endpoint, the token
checks; in the service, ``shared_cache_duration`` alone (the JWK cache its endpoints share).
Both are read into ``ValidatorOptions``; the endpoint's rules apply to any object naming
more than ``shared_cache_duration``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Annotated, Literal

from propylon.sdk import Duration, Namespace, OptionError, Range, Scope

from propylon_jwt.names import Algorithm, Strategy

UINT32 = Range(0, 2**32 - 1)
# KrakenD's key cache lifetime when ``cache`` is on and ``cache_duration`` is not given.
DEFAULT_CACHE_SECONDS = 900
# A day: longer cool-downs or leeways are configuration mistakes.
DAY = 86400.0


def _check_source(
    jwk_url: str,
    jwk_local_path: str,
    jwk_local_ca: str,
    disable_jwk_security: bool,
    cipher_suites: tuple[int, ...],
    fingerprints: tuple[str, ...],
    secret_url: str,
) -> None:
    """The rules shared by the validator and the signer for where keys come from."""
    # Here, not at the top: these read keys and certificates with joserfc and cryptography,
    # libraries a gateway without JWT does not load.
    from propylon_jwt.fetch import decode_fingerprints
    from propylon_jwt.keys import KeySetError, read_key_file
    from propylon_jwt.tls import ca_problem, cipher_problem

    if secret_url:
        raise OptionError("secret_url", "encrypted key files are not supported by this gateway")
    if not jwk_url and not jwk_local_path:
        raise OptionError("jwk_url", "is required (or jwk_local_path)")
    if jwk_local_path:
        try:
            read_key_file(jwk_local_path)
        except KeySetError as exc:
            raise OptionError("jwk_local_path", str(exc)) from None
    elif not jwk_url.startswith("https://"):
        if not jwk_url.startswith("http://"):
            raise OptionError("jwk_url", f"must be an http(s) URL, got {jwk_url!r}")
        if not disable_jwk_security:
            raise OptionError(
                "jwk_url", "must use https (set disable_jwk_security to allow plain http)"
            )
    if jwk_local_ca:
        problem = ca_problem(jwk_local_ca) if os.path.exists(jwk_local_ca) else "no such file"
        if problem:
            raise OptionError("jwk_local_ca", problem)
    try:
        decode_fingerprints(fingerprints)
    except ValueError as exc:
        raise OptionError("jwk_fingerprints", str(exc)) from None
    problem = cipher_problem(cipher_suites)
    if problem:
        raise OptionError("cipher_suites", problem)


@dataclass(frozen=True)
class ValidatorOptions:
    alg: Algorithm | None = None
    jwk_url: str = ""
    jwk_local_path: str = ""
    jwk_local_ca: str = ""
    jwk_fingerprints: tuple[str, ...] = ()
    disable_jwk_security: bool = False
    cipher_suites: tuple[int, ...] = ()
    cache: bool = False
    # Seconds; 0 is KrakenD's 15 minutes.
    cache_duration: Annotated[int, UINT32] = 0
    failed_jwk_key_cooldown: Annotated[Duration, Range(0, DAY)] = 0.0
    key_identify_strategy: Strategy = "kid"
    issuer: str = ""
    audience: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    roles_key: str = "roles"
    roles_key_is_nested: bool = False
    scopes: tuple[str, ...] = ()
    scopes_key: str = ""
    scopes_matcher: Literal["any", "all"] = "any"
    auth_header_name: str = "Authorization"
    cookie_key: str = "access_token"
    propagate_claims: tuple[tuple[str, ...], ...] = ()
    propagate_claims_preserve_array: bool = False
    operation_debug: bool = False
    leeway: Annotated[Duration, Range(0, DAY)] = 1.0
    secret_url: str = ""
    cypher_key: str = ""
    # Service level only: the lifetime of the JWK cache the endpoints share (0: 15 minutes).
    shared_cache_duration: Annotated[int, UINT32] | None = None

    @property
    def is_service_level(self) -> bool:
        return self.alg is None and self.shared_cache_duration is not None

    @property
    def cache_seconds(self) -> float:
        """How long downloaded keys are used before they are downloaded again."""
        if not self.cache:
            return 0.0
        return float(self.cache_duration or DEFAULT_CACHE_SECONDS)

    def __post_init__(self) -> None:
        if self.is_service_level:
            return
        if self.alg is None:
            raise OptionError("alg", "is required")
        _check_source(
            self.jwk_url,
            self.jwk_local_path,
            self.jwk_local_ca,
            self.disable_jwk_security,
            self.cipher_suites,
            self.jwk_fingerprints,
            self.secret_url,
        )
        if self.cache and self.jwk_local_path:
            raise OptionError("cache", "cannot be used with jwk_local_path")
        if self.scopes and not self.scopes_key:
            raise OptionError("scopes_key", "is required with scopes (the claim holding them)")
        for i, pair in enumerate(self.propagate_claims):
            if len(pair) != 2 or not all(pair):
                raise OptionError(
                    f"propagate_claims[{i}]", f"must be [claim, header], got {list(pair)!r}"
                )
        if not self.auth_header_name:
            raise OptionError("auth_header_name", "must not be empty")


@dataclass(frozen=True)
class SignerOptions:
    alg: Algorithm
    kid: str
    keys_to_sign: tuple[str, ...] = ()
    full: bool = False
    typ: str = "JWT"
    jwk_url: str = ""
    jwk_local_path: str = ""
    jwk_local_ca: str = ""
    jwk_fingerprints: tuple[str, ...] = ()
    disable_jwk_security: bool = False
    cipher_suites: tuple[int, ...] = ()
    leeway: Annotated[Duration, Range(0, DAY)] = 1.0
    secret_url: str = ""
    cypher_key: str = ""

    def __post_init__(self) -> None:
        _check_source(
            self.jwk_url,
            self.jwk_local_path,
            self.jwk_local_ca,
            self.disable_jwk_security,
            self.cipher_suites,
            self.jwk_fingerprints,
            self.secret_url,
        )


VALIDATOR = Namespace(
    "auth/validator", ValidatorOptions, frozenset({Scope.SERVICE, Scope.ENDPOINT})
)
SIGNER = Namespace("auth/signer", SignerOptions, frozenset({Scope.ENDPOINT}))
