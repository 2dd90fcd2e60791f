"""Regular expressions as Go's ``regexp`` compiles them: RE2 syntax, matched in linear time, so
a header value or URL from a client cannot make a match run away."""

from __future__ import annotations

from functools import cache
from typing import Any

from propylon_martian.definition import DefinitionError, Fields


@cache
def _options() -> Any:
    """The library, imported at the first expression: a gateway without one does not load it."""
    import re2

    options = re2.Options()
    options.log_errors = False
    options.never_capture = True
    return options


def compile_field(fields: Fields, name: str) -> Any:
    """The field's expression, compiled; a check error naming the field if it is not RE2."""
    import re2

    pattern = fields.string(name, required=True)
    try:
        return re2.compile(pattern, options=_options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise DefinitionError(fields.path(name), f"invalid regular expression: {reason}") from None
