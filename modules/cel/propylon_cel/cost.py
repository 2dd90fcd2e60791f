"""What an expression may cost, bounded before it runs.

The evaluator holds the interpreter while it runs and cannot be interrupted, so an expression
must never start work that would stall the worker. CEL has no loops: an expression's cost is
its size times the data its comprehensions (``all``, ``exists``, ``exists_one``, ``map``,
``filter``) walk. One comprehension, or several nested over an element's own children
(``items.all(i, i.tags.exists(t, ...))``), walks each value at most once: linear, like decoding
the data. A comprehension nested over something else (``a.all(x, b.exists(y, x == y))``)
multiplies: ``depth`` counts those levels, read from the expression's text once, at start-up.
At ``depth`` 2 and more, the values an evaluation would see are counted first (stopping at
the bound) and more than ``MAX_STEPS`` of them to the power ``depth`` refuse the evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# About 50 ms of evaluation on one core (0.5 us a step measured).
MAX_STEPS = 100_000
MACROS = frozenset(("all", "exists", "exists_one", "map", "filter"))
_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*)
    | (?P<raw>(?:[rR][bB]?|[bB][rR])(?:'''.*?'''|\"\"\".*?\"\"\"|'[^'\n]*'|"[^"\n]*"))
    | (?P<string>[bB]?(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\"
                      |'(?:\\.|[^\\'\n])*'|"(?:\\.|[^\\"\n])*"))
    | (?P<number>0[xX][0-9a-fA-F]+[uU]?|\d*\.?\d+(?:[eE][+-]?\d+)?[uU]?)
    | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPEN = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True)
class Shape:
    """``depth``: comprehension levels that multiply; ``bound``: their variables' names."""

    depth: int
    bound: frozenset[str]


def tokens(expression: str) -> list[str]:
    found = []
    for match in _TOKEN.finditer(expression):
        kind = match.lastgroup
        if kind == "space":
            continue
        found.append(
            "'" if kind in ("raw", "string") else "0" if kind == "number" else match.group()
        )
    return found


def shape(expression: str) -> Shape:
    """The comprehension nesting of a (compiled, so well-formed) expression."""
    toks = tokens(expression)
    # One entry per open bracket: (depth, variables bound inside) for a comprehension's.
    stack: list[tuple[int, frozenset[str]] | None] = []
    deepest = 0
    bound: set[str] = set()
    for i, tok in enumerate(toks):
        if tok in _OPEN:
            frame = None
            if tok == "(" and i >= 2 and toks[i - 1] in MACROS and toks[i - 2] == ".":
                outer = [f for f in stack if f is not None]
                depth, names = outer[-1] if outer else (0, frozenset())
                names = names | _iteration_variables(toks, i)
                root = _receiver_root(toks, i - 2)
                depth += 0 if root is not None and root in (outer[-1][1] if outer else ()) else 1
                frame = (depth, names)
                deepest = max(deepest, depth)
                bound |= names
            stack.append(frame)
        elif tok in _OPEN.values() and stack:
            stack.pop()
    return Shape(deepest, frozenset(bound))


def _iteration_variables(toks: list[str], paren: int) -> frozenset[str]:
    """``x`` in ``.all(x, ...)``; ``k, v`` in the two-variable form."""
    names: list[str] = []
    at = paren + 1
    while at + 1 < len(toks) and _is_name(toks[at]) and toks[at + 1] == "," and len(names) < 2:
        names.append(toks[at])
        at += 2
    return frozenset(names)


def _receiver_root(toks: list[str], dot: int) -> str | None:
    """The name a macro's receiver starts from (``i`` in ``i.tags[0].exists``), if any."""
    at = dot - 1
    while at >= 0:
        tok = toks[at]
        if tok in (")", "]", "}"):
            at = _matching_open(toks, at) - 1
            continue
        if not _is_name(tok):
            return None
        if at >= 1 and toks[at - 1] == ".":
            at -= 2
            continue
        return tok
    return None


def _matching_open(toks: list[str], close: int) -> int:
    level = 0
    for at in range(close, -1, -1):
        if toks[at] in (")", "]", "}"):
            level += 1
        elif toks[at] in _OPEN:
            level -= 1
            if level == 0:
                return at
    return -1


def _is_name(tok: str) -> bool:
    return tok[:1].isalpha() or tok[:1] == "_"


def affordable(depth: int, values: Iterable[Any], extra: int) -> bool:
    """Whether walking ``values`` (plus ``extra`` literal elements) ``depth`` times nested
    stays within ``MAX_STEPS``; counts no further than the bound."""
    if depth < 2:
        return True
    limit = int(MAX_STEPS ** (1 / depth)) - extra
    seen = 0
    stack = list(values)
    while stack:
        value = stack.pop()
        seen += 1
        if seen > limit:
            return False
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return True
