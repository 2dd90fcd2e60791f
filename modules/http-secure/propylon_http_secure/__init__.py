"""HTTP security for Propylon: KrakenD's ``security/http``, answering as unrolled/secure does."""

from propylon_http_secure.module import module

__all__ = ["module"]
