"""Propylon's ``cel`` module: KrakenD's ``validation/cel`` checks."""

from propylon_cel.module import module

__all__ = ["module"]
