"""Downloading a JWK set (``jwk_url``), at most once per interval, whoever asks.

A token naming a key the gateway does not know makes it download the set again: that is how
a rotated key is learnt. So that no client can make the gateway hammer its identity
provider with made-up key ids, one ``JWKSource`` per URL serves every endpoint and the
signer, concurrent askers share one download, and a new download starts at most once per
``MIN_REFRESH_INTERVAL``; in between, askers get the last result (the keys, or the error).
Downloads are bounded in time and size, never follow redirects, and need a JSON content type
and a 200, so a failing provider fails the requests that need it (closed). With
``jwk_fingerprints`` the server's certificate must hold one of the pinned keys.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp
from joserfc.jwk import Key

from propylon_jwt.keys import MAX_KEY_SET_BYTES, KeySetError, parse_key_set
from propylon_jwt.tls import client_context

MIN_REFRESH_INTERVAL = 1.0
FETCH_TIMEOUT = 5.0
# go-auth0's accepted content types of a JWK set.
CONTENT_TYPES = ("application/json", "application/jwk-set+json")


class FetchError(Exception):
    """The key set could not be downloaded; the message names the URL and the cause."""


@dataclass(frozen=True)
class ClientSettings:
    """What tells two JWK clients apart: endpoints with equal settings share a source."""

    url: str
    cipher_suites: tuple[int, ...] = ()
    local_ca: str = ""
    insecure: bool = False
    fingerprints: tuple[str, ...] = ()


def decode_fingerprints(fingerprints: Sequence[str]) -> list[bytes]:
    """SHA-256 digests of public keys, base64 (URL alphabet, padding optional) as KrakenD."""
    out = []
    for i, text in enumerate(fingerprints):
        try:
            digest = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            raise ValueError(f"fingerprint #{i} is not base64") from None
        if len(digest) != 32:
            raise ValueError(f"fingerprint #{i} is not a SHA-256 digest")
        out.append(digest)
    return out


@dataclass
class JWKSource:
    settings: ClientSettings
    user_agent: str
    interval: float = MIN_REFRESH_INTERVAL
    keys: list[Key] = field(default_factory=list)
    fetched_at: float = float("-inf")
    downloads: int = 0
    _attempted_at: float = float("-inf")
    _error: FetchError | None = None
    _inflight: asyncio.Future[None] | None = None
    _ssl: ssl.SSLContext | None = None

    async def refresh(self) -> tuple[list[Key], float]:
        """The freshest keys allowed: downloaded now, unless a download is under way (then
        its result) or one started less than ``interval`` ago (then the last result)."""
        if self._inflight is None and time.monotonic() - self._attempted_at >= self.interval:
            self._attempted_at = time.monotonic()
            self._inflight = asyncio.ensure_future(self._download())
        if self._inflight is not None:
            inflight = self._inflight
            try:
                await asyncio.shield(inflight)
            finally:
                if self._inflight is inflight and inflight.done():
                    self._inflight = None
        if self._error is not None:
            raise self._error
        return self.keys, self.fetched_at

    async def _download(self) -> None:
        self.downloads += 1
        try:
            keys = await self._get()
        except FetchError as exc:
            self._error = exc
            return
        self.keys, self.fetched_at, self._error = keys, time.monotonic(), None

    async def _get(self) -> list[Key]:
        url = self.settings.url
        if self._ssl is None and url.startswith("https://"):
            s = self.settings
            pins = decode_fingerprints(s.fingerprints)
            self._ssl = client_context(s.cipher_suites, s.local_ca, s.insecure, pins)
        timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT)
        connector = aiohttp.TCPConnector(ssl=self._ssl if self._ssl is not None else False)
        headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        try:
            async with (
                aiohttp.ClientSession(connector=connector, timeout=timeout) as session,
                session.get(url, headers=headers, allow_redirects=False) as response,
            ):
                if response.status != 200:
                    raise FetchError(f"JWK {url}: status {response.status}")
                content_type = response.headers.get("Content-Type", "")
                if not content_type.startswith(CONTENT_TYPES):
                    raise FetchError(f"JWK {url}: content type {content_type!r} is not JSON")
                body = await response.content.read(MAX_KEY_SET_BYTES + 1)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(f"JWK {url}: no answer in {FETCH_TIMEOUT:g}s") from None
        except (aiohttp.ClientError, OSError, ssl.SSLError) as exc:
            raise FetchError(f"JWK {url}: {exc}") from None
        if len(body) > MAX_KEY_SET_BYTES:
            raise FetchError(f"JWK {url}: larger than {MAX_KEY_SET_BYTES} bytes")
        try:
            return parse_key_set(body)
        except KeySetError as exc:
            raise FetchError(f"JWK {url}: {exc}") from None


class JWKSources:
    """The sources of one gateway, one per set of client settings."""

    def __init__(self, user_agent: str) -> None:
        self._user_agent = user_agent
        self._sources: dict[ClientSettings, JWKSource] = {}

    def get(self, settings: ClientSettings) -> JWKSource:
        source = self._sources.get(settings)
        if source is None:
            source = self._sources[settings] = JWKSource(settings, self._user_agent)
        return source
