"""How the gateway names itself to clients and backends.

Propylon uses its own names by default. ``PROPYLON_COMPAT=krakend/<version>`` makes it name
itself exactly as that KrakenD release does, so suites written for KrakenD run unchanged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from propylon import __version__

COMPAT_ENV = "PROPYLON_COMPAT"


@dataclass(frozen=True, slots=True)
class Identity:
    product: str
    version: str
    hide_version: bool = False  # router.hide_version_header: responses do not tell the version

    @property
    def user_agent(self) -> str:
        return f"{self.product} Version {self.version}"

    @property
    def header_name(self) -> str:
        return f"X-{self.product}"

    @property
    def header_value(self) -> str:
        return f"Version {'undefined' if self.hide_version else self.version}"

    @property
    def completed_header(self) -> str:
        return f"X-{self.product}-Completed"


def parse_compat(value: str) -> Identity:
    """``krakend/2.13.8`` -> KrakenD 2.13.8; raises ValueError on anything else."""
    product, sep, version = value.partition("/")
    if product.lower() != "krakend" or not sep or not version:
        raise ValueError(f"{COMPAT_ENV}={value!r}: expected krakend/<version>, e.g. krakend/2.13.8")
    return Identity("KrakenD", version)


@cache
def current() -> Identity:
    value = os.environ.get(COMPAT_ENV, "").strip()
    return parse_compat(value) if value else Identity("Propylon", __version__)
