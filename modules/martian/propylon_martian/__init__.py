"""Martian for Propylon: KrakenD's ``modifier/martian``, modifying each backend's HTTP request
before it is sent and its response before it is decoded."""

from propylon_martian.module import module

__all__ = ["module"]
