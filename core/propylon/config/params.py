"""``{param}`` placeholders of endpoint paths and url_patterns, named as Lura names them."""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
SEQUENTIAL_PARAM = re.compile(r"^[Rr]esp\d+_")
JWT_PREFIX = "JWT."


def placeholders(pattern: str) -> list[str]:
    return PLACEHOLDER.findall(pattern)


def param_key(name: str) -> str:
    """The key a path param is stored under: its first letter upper-cased (``id`` -> ``Id``)."""
    return name[:1].upper() + name[1:]
