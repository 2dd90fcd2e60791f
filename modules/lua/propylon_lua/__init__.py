"""Lua scripting for Propylon: KrakenD's ``modifier/lua-endpoint``, ``lua-proxy`` and ``lua-backend``."""

from propylon_lua.module import module

__all__ = ["module"]
