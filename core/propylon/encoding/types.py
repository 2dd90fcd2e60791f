"""What a decoder is, apart from the registry that names them, so decoders need no registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A decoder turns a backend body into the response data; a factory picks one per
# backend, knowing whether the backend returns a collection.
Decoder = Callable[[bytes], dict[str, Any]]
DecoderFactory = Callable[[bool], Decoder]


class DecodeError(ValueError):
    """A backend body that its declared encoding cannot read."""
