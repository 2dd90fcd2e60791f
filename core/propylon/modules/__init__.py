"""Modules: distributions that extend the gateway by decorating its factories."""

from propylon.modules.contract import ENTRY_POINT_GROUP, Module
from propylon.modules.discovery import installed_modules

__all__ = ["ENTRY_POINT_GROUP", "Module", "installed_modules"]
