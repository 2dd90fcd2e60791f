"""Bloom filter arithmetic: its size from ``N`` and ``P``, and where an element's bits are.

The sizes are the usual ones (and KrakenD's): ``m = ceil(-N ln P / (ln 2)^2)`` bits and
``k = ceil(m / N ln 2)`` bits per element. The positions come from BLAKE2b, which is in the
standard library and fast on short inputs; a bloom filter needs well-spread hashes, not
cryptographic ones, but an attacker choosing claim values cannot aim at given bits either.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator
from typing import Literal

HashName = Literal["optimal", "default"]
Positions = Callable[[bytes], Iterator[int]]


def bits_for(n: int, p: float) -> int:
    """``m``: the bits a filter needs to hold ``n`` elements with ``p`` false positives."""
    return max(8, math.ceil(-n * math.log(p) / (math.log(2) ** 2)))


def hashes_for(m: int, n: int) -> int:
    """``k``: how many bits each element sets."""
    return max(1, math.ceil(math.log(2) * m / n))


def positions(hash_name: HashName, m: int, k: int) -> Positions:
    """Where an element's ``k`` bits are in a filter of ``m`` bits.

    ``optimal`` derives them from one 128-bit hash (``h1 + i * h2``, Kirsch and Mitzenmacher):
    one hash per element, as KrakenD's ``optimal``. ``default`` computes ``k`` independent
    hashes: more CPU for each check, no shared structure between the positions. Positions
    are produced as they are read: a check usually stops at the first unset bit.
    """
    if hash_name == "optimal":

        def optimal(element: bytes) -> Iterator[int]:
            digest = hashlib.blake2b(element, digest_size=16).digest()
            h1 = int.from_bytes(digest[:8], "little")
            h2 = int.from_bytes(digest[8:], "little") | 1
            return ((h1 + i * h2) % m for i in range(k))

        return optimal

    salts = [i.to_bytes(8, "little") for i in range(k)]

    def independent(element: bytes) -> Iterator[int]:
        return (
            int.from_bytes(hashlib.blake2b(element, digest_size=8, salt=s).digest(), "little") % m
            for s in salts
        )

    return independent
