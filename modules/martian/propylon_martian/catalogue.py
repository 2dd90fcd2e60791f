"""The modifiers KrakenD CE registers (martian's ``body``, ``cookie``, ``fifo``, ``header``,
``martianurl``, ``port``, ``priority``, ``querystring``, ``stash`` and ``status`` packages, and
its own ``header.Id`` and ``static.Modifier``), plus ``method.Verifier``; and the parser of a
definition, which names exactly one of them."""

from __future__ import annotations

from propylon_martian import bodies, cookies, groups, headers, query, urls, verifiers
from propylon_martian.definition import PARSERS, DefinitionError, Fields, Result

PACKAGES = (bodies, cookies, groups, headers, query, urls, verifiers)


def parse(raw: object, at: str) -> Result:
    """The modifier ``raw`` defines (``{"header.Modifier": {...}}``), read once."""
    if not isinstance(raw, dict):
        raise DefinitionError(at, "expected an object naming one modifier")
    if len(raw) != 1:
        names = [str(name) for name in raw]
        # Named by the first extra modifier, where there is one.
        extra = names[1] if len(names) > 1 else ""
        where = ".".join(part for part in (at, extra) if part)
        found = ", ".join(names) or "none"
        raise DefinitionError(where, f"expected one modifier, got {len(raw)}: {found}")
    name, body = next(iter(raw.items()))
    where = f"{at}.{name}" if at else str(name)
    known = PARSERS.get(str(name))
    if known is None:
        import difflib  # only to word an error

        close = difflib.get_close_matches(str(name), PARSERS, n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise DefinitionError(where, f"unknown modifier{hint}")
    keys, parser = known
    return parser(Fields(body, where, keys, parse))
