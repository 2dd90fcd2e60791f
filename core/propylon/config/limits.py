"""The ranges ``check`` accepts: wide enough for any real configuration, narrow enough that no
accepted value can exhaust a worker (a million concurrent calls, a 400-digit header size).

Documented in docs/configuration.md; a value outside its range is refused naming the field.
"""

from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB
HOUR = 3600.0
DAY = 24 * HOUR

# Integers: (lowest, highest).
PORT = (0, 65535)
CONCURRENT_CALLS = (1, 100)
MAX_HEADER_BYTES = (0, 64 * MIB)
IDLE_CONNECTIONS = (0, 1_000_000)
MAX_PAYLOAD = (0, GIB)

# Durations, in seconds: the highest accepted (none may be negative).
MAX_TIMEOUT = 7 * DAY
MAX_CACHE_TTL = 365 * DAY

# The shape of a document: how deep it nests and how many values it holds in all.
MAX_DEPTH = 64
MAX_VALUES = 1_000_000
