"""The ``security/bot-detector`` options, read once at start-up; patterns compiled there too.

A pattern that does not compile is a configuration error naming it (``patterns[1]``), found by
``propylon check``, never at the first request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated

from propylon.sdk import Namespace, OptionError, Range, Scope


@dataclass(frozen=True)
class DetectorOptions:
    deny: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    # Verdicts of this many recently seen User-Agents are kept; 0 keeps none.
    cache_size: Annotated[int, Range(0)] = 0
    empty_user_agent_is_bot: bool = False
    compiled: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "compiled", tuple(_compile(i, p) for i, p in enumerate(self.patterns))
        )


def _compile(i: int, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise OptionError(
            f"patterns[{i}]", f"invalid regular expression {pattern!r}: {exc}"
        ) from None


# The whole gateway at the service level, one endpoint at the endpoint level.
DETECTOR = Namespace(
    "security/bot-detector", DetectorOptions, frozenset({Scope.SERVICE, Scope.ENDPOINT})
)
