"""The ``modifier/martian`` namespace: one martian definition per backend, parsed once, at
start-up, into a tree of small modifiers; what is wrong with it is a check error naming the
field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from propylon.sdk import Namespace, OptionError, Rest, Scope

from propylon_martian.catalogue import parse
from propylon_martian.definition import DefinitionError, Result


@dataclass(frozen=True)
class MartianOptions:
    # The definition as written: one key, the modifier's name.
    definition: Annotated[dict[str, Any], Rest()] = field(default_factory=dict)
    modifiers: Result = field(init=False, default_factory=Result)

    def __post_init__(self) -> None:
        if not self.definition:
            return  # KrakenD runs such a backend without martian
        try:
            tree = parse(self.definition, "")
        except DefinitionError as exc:
            raise OptionError(exc.at.lstrip("."), exc.message) from None
        object.__setattr__(self, "modifiers", tree)


MARTIAN = Namespace("modifier/martian", MartianOptions, frozenset({Scope.BACKEND}))
