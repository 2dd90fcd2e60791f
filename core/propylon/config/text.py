"""Configuration bytes to text: UTF-8, as JSON, YAML and TOML require."""

from __future__ import annotations

from propylon.config.errors import ConfigError


def decode(data: bytes) -> str:
    """``data`` as text (a leading byte order mark dropped), or where it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(exc) from None


def not_utf8(exc: UnicodeDecodeError) -> ConfigError:
    """The error naming the line and column of the first byte that is not UTF-8."""
    data = bytes(exc.object)
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    byte = data[exc.start]
    return ConfigError(f"not valid UTF-8 at line {line}, column {column} (byte 0x{byte:02x})")
