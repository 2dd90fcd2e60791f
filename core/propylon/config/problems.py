"""Every error and warning found in a configuration, each naming its file, place and field."""

from __future__ import annotations

from dataclasses import dataclass, field

from propylon.config.errors import ConfigError

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    level: str
    where: str
    message: str
    file: str = ""

    def __str__(self) -> str:
        return str(ConfigError(self.message, file=self.file, where=self.where))


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
