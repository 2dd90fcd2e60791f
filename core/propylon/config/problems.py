"""Every error and warning found in a configuration, each naming its file, place and field."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from propylon.config.errors import ConfigError

ERROR = "error"
WARNING = "warning"
_SHOWN = 60  # characters of a value quoted in a message


def shown(value: object) -> str:
    """``value`` as the configuration writes it (``true``, ``"1"``, ``null``), cut short.

    Safe for any value a parser can produce: a 5,000-digit integer or a deeply nested list
    is summarised instead of being converted whole.
    """
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if value.bit_length() < 200 else "(an integer too large to show)"
    if isinstance(value, float):
        return json.dumps(value) if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, str):
        text = json.dumps(value[: _SHOWN + 1], ensure_ascii=False)
    elif isinstance(value, dict):
        text = "{...}" if value else "{}"
    elif isinstance(value, list):
        text = "[...]" if value else "[]"
    else:
        text = type(value).__name__
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + '..."'


@dataclass(frozen=True, slots=True)
class Problem:
    level: str
    where: str
    message: str
    file: str = ""

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.where) if p]
        return ": ".join([*parts, self.message])


@dataclass
class Problems:
    """What reading a configuration found; errors stop the gateway, warnings do not."""

    file: str = ""
    found: list[Problem] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.found.append(Problem(ERROR, where, message, self.file))

    def warn(self, where: str, message: str) -> None:
        self.found.append(Problem(WARNING, where, message, self.file))

    def add(self, exc: ConfigError) -> None:
        self.found.append(Problem(ERROR, exc.where, exc.message, exc.file or self.file))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.found if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.found if p.level == WARNING]
