"""The ``security/bot-detector`` options, checked field by field (patterns must compile)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from propylon.config.fields import Fields

NAMESPACE = "security/bot-detector"
log = logging.getLogger("propylon.bot_detector")


@dataclass(frozen=True)
class DetectorConfig:
    deny: frozenset[str] = frozenset()
    allow: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()
    cache_size: int = 0
    empty_user_agent_is_bot: bool = False


def parse_config(raw: object, where: str, *, warn: bool = False) -> DetectorConfig:
    f = Fields(raw, where)
    config = DetectorConfig(
        deny=frozenset(f.strings("deny", [])),
        allow=frozenset(f.strings("allow", [])),
        patterns=tuple(_compile(f, i, p) for i, p in enumerate(f.strings("patterns", []))),
        cache_size=f.integer("cache_size", 0, minimum=0),
        empty_user_agent_is_bot=f.boolean("empty_user_agent_is_bot"),
    )
    for key in f.unknown() if warn else ():
        log.warning("%s: unknown field %r ignored", where, key)
    return config


def _compile(f: Fields, i: int, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise f.error(f"patterns[{i}]", f"invalid regular expression {pattern!r}: {exc}") from None
