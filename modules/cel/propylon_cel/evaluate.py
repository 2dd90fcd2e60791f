"""One stage's expressions evaluated in order over the values of a request; the first that is
not ``true`` (false, not a boolean, an error, or too costly to run) stops the request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import cel

from propylon_cel.cost import affordable
from propylon_cel.expression import NOW, Expression


def now_text(moment: datetime | None = None) -> str:
    """``moment`` (the local time by default) as KrakenD gives ``now``: Go's
    ``2006-01-02T15:04:05.999Z07:00`` (milliseconds truncated, trailing zeros dropped, ``Z``
    for UTC)."""
    t = moment if moment is not None else datetime.now().astimezone()
    millis = f".{t.microsecond // 1000:03d}".rstrip("0").rstrip(".")
    offset = t.strftime("%z")
    zone = "Z" if offset in ("+0000", "-0000") else f"{offset[:3]}:{offset[3:]}"
    return f"{t:%Y-%m-%dT%H:%M:%S}{millis}{zone}"


class Evaluator:
    """The expressions of one stage; ``log_prefix`` names the endpoint or backend and stage."""

    def __init__(
        self, expressions: Sequence[Expression], log_prefix: str, log: logging.Logger
    ) -> None:
        self._expressions = tuple(expressions)
        self._names = frozenset().union(*(e.names for e in expressions)) - {NOW}
        self._now = any(NOW in e.names for e in expressions)
        self._prefix = log_prefix
        self._log = log

    def __bool__(self) -> bool:
        return bool(self._expressions)

    def first_failing(self, values: Mapping[str, Any]) -> int | None:
        """The index of the first expression that does not hold for ``values``, or None."""
        variables = {name: values[name] for name in self._names}
        if self._now:
            variables[NOW] = now_text()
        context = cel.Context(variables=variables)
        for i, expression in enumerate(self._expressions):
            depth = expression.shape.depth
            if depth > 1:
                data = [variables[n] for n in expression.names]
                if not affordable(depth, data, len(expression.source)):
                    self._log.warning(
                        "%s Evaluator #%d not run: its nested comprehensions over this much"
                        " data would stall the gateway",
                        self._prefix,
                        i,
                    )
                    return i
            try:
                result = expression.evaluate(context)
            except Exception as exc:  # every evaluation error stops the request
                self._log.info("%s Evaluator #%d failed: %s", self._prefix, i, _one_line(exc))
                return i
            if result is not True:
                self._log.info("%s Evaluator #%d result: %.80r", self._prefix, i, result)
                return i
            self._log.debug("%s Evaluator #%d result: true", self._prefix, i)
        return None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
