"""A backend response cache for Propylon: KrakenD's ``qos/http-cache``."""

from propylon_http_cache.module import module

__all__ = ["module"]
