"""The handlers of ``auth/validator`` and ``auth/signer``, on joserfc.

As in KrakenD, the validator wraps the signer: a request is validated first, then its
response signed. Every endpoint of a gateway downloading keys from one URL (validators and
signers alike) shares one ``JWKSource``, so the identity provider sees one client.
"""

from __future__ import annotations

import logging

from joserfc.jwk import Key
from propylon.sdk import (
    Answer,
    Context,
    EndpointConfig,
    Handler,
    HandlerFactory,
    Proxy,
    ServerRequest,
    get_logger,
)

from propylon_jwt.fetch import ClientSettings, JWKSources
from propylon_jwt.keys import index_keys, read_key_file
from propylon_jwt.options import (
    DEFAULT_CACHE_SECONDS,
    SIGNER,
    VALIDATOR,
    SignerOptions,
    ValidatorOptions,
)
from propylon_jwt.provider import KeyNotFound, KeyProvider, LocalKeys, RemoteKeys
from propylon_jwt.signer import KeyLoader, signing, uncached
from propylon_jwt.token import Verifier
from propylon_jwt.validator import validating


def _settings(options: ValidatorOptions | SignerOptions) -> ClientSettings:
    return ClientSettings(
        url=options.jwk_url,
        cipher_suites=tuple(options.cipher_suites),
        local_ca=options.jwk_local_ca,
        insecure=options.disable_jwk_security,
        fingerprints=tuple(options.jwk_fingerprints),
    )


def _key_provider(options: ValidatorOptions, sources: JWKSources, shared_ttl: float) -> KeyProvider:
    strategy = options.key_identify_strategy
    if options.jwk_local_path:
        return LocalKeys(read_key_file(options.jwk_local_path), strategy)
    return RemoteKeys(
        sources.get(_settings(options)),
        strategy,
        ttl=options.cache_seconds,
        shared_ttl=shared_ttl,
        cooldown=options.failed_jwk_key_cooldown,
    )


def _key_loader(options: SignerOptions, sources: JWKSources) -> KeyLoader:
    """The signing key, found once (by ``kid``) and kept, as KrakenD loads it once."""
    kid = options.kid
    found: list[Key] = []

    def pick(keys: list[Key]) -> Key:
        key = index_keys(keys, "kid").get(kid)
        if key is None:
            raise KeyNotFound(f"key {kid!r} not found in the key set")
        if not key.is_private:
            raise KeyNotFound(f"key {kid!r} is a public key: it cannot sign")
        return key

    if options.jwk_local_path:
        keys = read_key_file(options.jwk_local_path)

        async def local() -> Key:
            return pick(keys)

        return local
    source = sources.get(_settings(options))

    async def remote() -> Key:
        if not found:
            keys, _ = await source.refresh()
            found.append(pick(keys))
        return found[0]

    return remote


def _refusing(prefix: str, log: logging.Logger) -> Handler:
    async def refuse(request: ServerRequest) -> Answer:
        log.error("%s no algorithm: every request is refused", prefix)
        return Answer(401)

    return refuse


def handler(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    log = get_logger("jwt")
    sources = JWKSources(ctx.identity.user_agent)
    service = VALIDATOR.of(ctx.service)
    shared_ttl = 0.0
    if service is not None and service.shared_cache_duration is not None:
        shared_ttl = float(service.shared_cache_duration or DEFAULT_CACHE_SECONDS)
    completed = ctx.identity.completed_header

    def factory(endpoint: EndpointConfig, proxy: Proxy) -> Handler:
        signer = SIGNER.of(endpoint)
        if signer is not None:
            proxy = signing(proxy, signer, _key_loader(signer, sources))
        handle = next_factory(endpoint, proxy)
        if signer is not None:
            handle = uncached(handle, completed)
        options = VALIDATOR.of(endpoint)
        if options is None:
            return handle
        if options.alg is None:
            return _refusing(f"[ENDPOINT: {endpoint.endpoint}][JWTValidator]", log)
        verifier = Verifier(
            options.alg,
            _key_provider(options, sources, shared_ttl),
            options.key_identify_strategy,
            options.issuer,
            options.audience,
            options.leeway,
        )
        return validating(handle, options, verifier, endpoint, log, ctx.token_rejecters)

    return factory
