"""Propylon: an extensible API gateway running KrakenD v3 configurations on aiohttp."""

__version__ = "0.1.0"
