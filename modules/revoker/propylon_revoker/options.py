"""The ``auth/revoker`` options: KrakenD's fields (``N``, ``P``, ``hash_name``, ``TTL``,
``port``, ``token_keys``, all required, as in KrakenD's schema) and this gateway's own, for its
authenticated revocation interface and for sharing revocations through Redis.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from propylon.sdk import Duration, Key, Namespace, OptionError, Range, Scope

from propylon_revoker.bloom import HashName, bits_for, hashes_for

# Each of the three filters: 256 MiB (50 million tokens at a false positive in 10 million).
MAX_FILTER_BITS = 8 * 256 * 2**20
MIN_SECRET = 16
YEAR = 366 * 86400
REDIS_SCHEMES = ("redis", "rediss", "unix")


class SecretError(Exception):
    pass


def read_secret(secret_env: str, secret_file: str) -> str:
    """The bearer secret of the revocation interface, from a file or an environment variable;
    never logged, never kept in the options."""
    if secret_file:
        try:
            with open(secret_file, encoding="utf-8") as f:
                secret = f.read().strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise SecretError(
                f"cannot read {secret_file}: {getattr(exc, 'strerror', exc)}"
            ) from None
        where = secret_file
    else:
        secret = os.environ.get(secret_env, "").strip()
        if not secret:
            raise SecretError(f"the environment variable {secret_env} is not set")
        where = f"the environment variable {secret_env}"
    if len(secret) < MIN_SECRET:
        raise SecretError(f"the secret in {where} is shorter than {MIN_SECRET} characters")
    return secret


@dataclass(frozen=True)
class RevokerOptions:
    n: Annotated[int, Key("N"), Range(1, 2**32 - 1)]
    p: Annotated[float, Key("P"), Range(0, 1)]
    hash_name: HashName
    ttl: Annotated[int, Key("TTL"), Range(1, YEAR)]
    # The revocation interface's port (KrakenD's RPC port); 0: none on this gateway.
    port: Annotated[int, Range(0, 65535)]
    token_keys: tuple[str, ...]
    # Beyond KrakenD: where the interface listens, and its bearer secret.
    listen_ip: str = "127.0.0.1"
    secret_env: str = "PROPYLON_REVOKER_SECRET"
    secret_file: str = ""
    # Beyond KrakenD: revocations shared by every gateway using this Redis.
    redis_url: str = ""
    redis_key: str = "propylon:revoker"
    redis_timeout: Annotated[Duration, Range(0.05, 60)] = 1.0
    # KrakenD Enterprise's revoke server: refused rather than silently not registered with.
    revoke_server_ping_url: str = ""

    @property
    def bits(self) -> int:
        return bits_for(self.n, self.p)

    @property
    def hashes(self) -> int:
        return hashes_for(self.bits, self.n)

    def __post_init__(self) -> None:
        if not 0 < self.p < 1:
            raise OptionError("P", f"must be between 0 and 1 (exclusive), got {self.p}")
        if self.bits > MAX_FILTER_BITS:
            raise OptionError(
                "N",
                f"N={self.n} with P={self.p} needs {self.bits // 8 // 2**20} MiB per filter "
                f"(three are kept); at most {MAX_FILTER_BITS // 8 // 2**20} MiB",
            )
        keys = [key for key in self.token_keys if key]
        if not keys or len(keys) != len(self.token_keys):
            raise OptionError("token_keys", "must name the claims to check (e.g. jti, sub)")
        if self.revoke_server_ping_url:
            raise OptionError(
                "revoke_server_ping_url",
                "KrakenD Enterprise's revoke server is not supported: use redis_url to share "
                "revocations between gateways",
            )
        if self.redis_url:
            scheme = urlsplit(self.redis_url).scheme
            if scheme not in REDIS_SCHEMES:
                raise OptionError(
                    "redis_url", f"must be a redis://, rediss:// or unix:// URL, got {scheme!r}"
                )
            if not self.redis_key:
                raise OptionError("redis_key", "must not be empty")
        if self.port == 0:
            if not self.redis_url:
                raise OptionError(
                    "port", "0 (no revocation interface) needs redis_url: nothing could revoke"
                )
            return
        try:
            read_secret(self.secret_env, self.secret_file)
        except SecretError as exc:
            field = "secret_file" if self.secret_file else "secret_env"
            raise OptionError(field, f"the revocation interface needs a secret: {exc}") from None


# KrakenD reads it in the service only: one filter for the whole gateway.
REVOKER = Namespace("auth/revoker", RevokerOptions, frozenset({Scope.SERVICE}))
