"""The one exception of the template language: its text is Go's error text."""

from __future__ import annotations


class TemplateError(Exception):
    """A parse or execution error, worded as Go's ``template: name:line:col: ...``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FuncError(Exception):
    """Raised by a function: the executor adds ``error calling NAME:`` and the location."""
