"""Configuration errors that say where: the file, the endpoint and the field."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration that cannot be served. ``str()`` is one line a user can act on."""

    def __init__(self, message: str, *, file: str = "", where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.where = where

    def located(self, *, file: str = "", where: str = "") -> ConfigError:
        """The same error with an outer location prepended (the caller knows more context)."""
        inner = f"{where}.{self.where}" if where and self.where else where or self.where
        return ConfigError(self.message, file=file or self.file, where=inner)

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.where) if p]
        return ": ".join([*parts, self.message])
