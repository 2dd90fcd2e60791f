"""The request headers a preflight may ask for.

Browsers send ``Access-Control-Request-Headers`` lower-cased, sorted and without duplicates
(Fetch standard), so, like rs/cors, a request is accepted only in that form: every name known,
in strictly increasing order. Anything else is not a browser and gets no CORS headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MAX_OWS = 2  # spaces or tabs tolerated on each side of a name (what rs/cors accepts)
OWS = " \t"
MAX_EMPTY = 16  # empty list elements tolerated (RFC 9110: "a reasonable number")


class HeaderSet:
    def __init__(self, allowed: Sequence[str]) -> None:
        self.all = "*" in allowed
        names = sorted({name.lower() for name in allowed})
        self.position = {name: i for i, name in enumerate(names)}

    def accepts(self, values: Iterable[str]) -> bool:
        if self.all:
            return True
        last, empty = -1, 0
        for value in values:
            for element in value.split(","):
                name = _trim(element)
                if name is None:
                    return False
                if not name:
                    empty += 1
                    if empty > MAX_EMPTY:
                        return False
                    continue
                pos = self.position.get(name)
                if pos is None or pos <= last:
                    return False
                last = pos
        return True


def _trim(element: str) -> str | None:
    """The name without its optional whitespace; None when there is too much of it."""
    right = len(element) - len(element.rstrip(OWS))
    if right > MAX_OWS:
        return None
    rest = element[: len(element) - right]
    name = rest.lstrip(OWS)
    return None if len(rest) - len(name) > MAX_OWS else name
