"""CORS for Propylon: KrakenD's ``security/cors``, answering as rs/cors does."""

from propylon_cors.module import module

__all__ = ["module"]
