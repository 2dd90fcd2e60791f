"""Errors a modifier returns while it runs: the backend call fails with them, as KrakenD's
martian executor returns them in place of the response."""

from __future__ import annotations

from propylon.sdk import ProxyError


class ModifierError(ProxyError):
    """One modifier's failure (500 to the client of a lone backend)."""


class MultiError(ModifierError):
    """Every failure of a ``fifo.Group`` with ``aggregateErrors``, one per line as martian
    joins them."""

    errors: list[ModifierError]

    def __init__(self, errors: list[ModifierError]) -> None:
        flat: list[ModifierError] = []
        for error in errors:
            flat.extend(error.errors if isinstance(error, MultiError) else [error])
        super().__init__("\n".join(str(e) for e in flat))
        self.errors = flat
