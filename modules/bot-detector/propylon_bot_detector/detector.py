"""Is this User-Agent a bot? The allow list wins, then the deny list, then the patterns.

Patterns are searched anywhere in the User-Agent (Go's ``MatchString``); anchor them with
``^``/``$`` to match whole strings. With ``cache_size``, verdicts of the most recently seen
User-Agents are remembered, so the patterns run once per distinct client.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from propylon_bot_detector.options import DetectorOptions

Detector = Callable[[str], bool]


def new_detector(options: DetectorOptions) -> Detector:
    allow, deny = frozenset(options.allow), frozenset(options.deny)
    patterns, empty_is_bot = options.compiled, options.empty_user_agent_is_bot

    def is_bot(user_agent: str) -> bool:
        if not user_agent:
            return empty_is_bot
        if user_agent in allow:
            return False
        if user_agent in deny:
            return True
        return any(pattern.search(user_agent) for pattern in patterns)

    if options.cache_size > 0:
        return lru_cache(maxsize=options.cache_size)(is_bot)
    return is_bot
