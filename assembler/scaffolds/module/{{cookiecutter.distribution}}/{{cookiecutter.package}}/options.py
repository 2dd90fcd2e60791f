"""The ``{{ cookiecutter.namespace }}`` options, read once at start-up by the gateway.

The configuration layer reads the namespace into ``StampOptions`` with KrakenD's weak typing,
reports every problem naming the endpoint and the field, and warns about unknown keys. The
factories only ever see the parsed options.
"""

from __future__ import annotations

from dataclasses import dataclass

from propylon.sdk import Namespace, OptionError, Scope


@dataclass(frozen=True)
class StampOptions:
    """What to stamp: the response header ``header: value`` and the data field ``field: value``.

    Every numeric field gets a Range, e.g. ``limit: Annotated[int, Range(1, 100)] = 10``;
    ``Duration`` reads Go durations ("1m30s") as seconds.
    """

    header: str = "X-Hello"
    value: str = "world"
    field: str = "hello"

    def __post_init__(self) -> None:
        # Rules the types cannot say; the error names the field.
        for name in ("header", "value", "field"):
            if not getattr(self, name):
                raise OptionError(name, "expected a non-empty string")


# Read on endpoints only: elsewhere the namespace is ignored with a warning.
STAMP = Namespace("{{ cookiecutter.namespace }}", StampOptions, frozenset({Scope.ENDPOINT}))
