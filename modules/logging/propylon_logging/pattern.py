"""go-logging's format verbs (``%{time:2006-01-02}``, ``%{level}``...) as a Python logging format.

KrakenD's ``custom_format`` is written for go-logging; the same string is read here so a
configuration keeps its log lines. Time layouts use Go's reference time.
"""

from __future__ import annotations

import re

_VERB = re.compile(r"%\{(\w+)(?::([^}]*))?\}")
# Go reference-time tokens, longest first, and what strftime writes for each.
_GO_TIME = (
    ("2006", "%Y"),
    ("January", "%B"),
    ("Monday", "%A"),
    ("Jan", "%b"),
    ("Mon", "%a"),
    ("MST", "%Z"),
    ("Z07:00", "{tzc}"),
    ("-07:00", "{tzc}"),
    ("-0700", "%z"),
    ("01", "%m"),
    ("02", "%d"),
    ("15", "%H"),
    ("03", "%I"),
    ("04", "%M"),
    ("05", "%S"),
    ("06", "%y"),
    ("PM", "%p"),
)
_FRACTION = re.compile(r"\.(0{1,9}|9{1,9})")
DEFAULT_TIME = "2006-01-02T15:04:05.999Z07:00"
_FIELDS = {
    "message": "%(message)s",
    "level": "%(levelname)s",
    "module": "%(module_name)s",
    "pid": "%(process)d",
    "program": "%(program)s",
    "shortfile": "%(filename)s:%(lineno)d",
    "longfile": "%(pathname)s:%(lineno)d",
    "shortfunc": "%(funcName)s",
    "longfunc": "%(funcName)s",
    "callpath": "%(funcName)s",
    "id": "%(sequence)d",
    "color": "",
}


def go_time(layout: str) -> str:
    """A Go time layout as a strftime format; fractions of a second become ``%f`` cut later
    (``{ms}`` for milliseconds, the common case)."""
    out, i = [], 0
    while i < len(layout):
        fraction = _FRACTION.match(layout, i)
        if fraction:
            out.append("." + f"{{frac{len(fraction.group(1))}}}")
            i = fraction.end()
            continue
        for token, directive in _GO_TIME:
            if layout.startswith(token, i):
                out.append(directive)
                i += len(token)
                break
        else:
            out.append(layout[i].replace("%", "%%"))
            i += 1
    return "".join(out)


def compile_pattern(pattern: str) -> str:
    """A go-logging pattern as a ``%``-style logging format; ``%(asctime)s`` carries the time
    (the formatter writes it with the layout ``time_layout`` returns)."""
    out, last = [], 0
    for verb in _VERB.finditer(pattern):
        out.append(pattern[last : verb.start()].replace("%", "%%"))
        name = verb.group(1)
        if name == "time":
            out.append("%(asctime)s")
        elif name in _FIELDS:
            out.append(_FIELDS[name])
        else:
            raise ValueError(f"unknown verb %{{{name}}}")
        last = verb.end()
    out.append(pattern[last:].replace("%", "%%"))
    return "".join(out)


def time_layout(pattern: str) -> str:
    """The Go layout of the first ``%{time}`` of a pattern (go-logging's default without one)."""
    for verb in _VERB.finditer(pattern):
        if verb.group(1) == "time":
            return verb.group(2) or DEFAULT_TIME
    return DEFAULT_TIME
