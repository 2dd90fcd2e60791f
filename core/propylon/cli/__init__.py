"""The ``propylon`` command, and the command of every assembled edition."""

from propylon.cli.app import build_cli

__all__ = ["build_cli"]
