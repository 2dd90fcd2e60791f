"""Backend body decoders, by the name used in a backend's ``encoding`` field."""

from propylon.encoding.registry import DecodeError, Decoder, get_decoder, names, register

__all__ = ["DecodeError", "Decoder", "get_decoder", "names", "register"]
