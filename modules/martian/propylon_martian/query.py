"""Martian's ``querystring`` package, with Go's ``url.Values`` rules for reading and writing a
query: pairs split on ``&`` (one holding ``;`` or a bad escape is dropped), ``+`` a space,
written back sorted by key."""

from __future__ import annotations

import re
from urllib.parse import quote_plus, unquote_plus

from propylon_martian.definition import DefinitionError, Fields, Result, modifier, new_result
from propylon_martian.filters import new_filter
from propylon_martian.message import BackendRequest, BackendResponse
from propylon_martian.verifiers import report

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
FORM = "application/x-www-form-urlencoded"


def parse_query(raw: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for pair in raw.split("&"):
        if not pair or ";" in pair or _BAD_ESCAPE.search(pair):
            continue
        key, _, value = pair.partition("=")
        values.setdefault(unquote_plus(key), []).append(unquote_plus(value))
    return values


def encode_query(values: dict[str, list[str]]) -> str:
    return "&".join(
        f"{quote_plus(key, safe='')}={quote_plus(value, safe='')}"
        for key in sorted(values)
        for value in values[key]
    )


class SetParam:
    """``querystring.Modifier``: sets the parameter, replacing its values (request only)."""

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def modify_request(self, req: BackendRequest) -> None:
        values = parse_query(req.raw_query)
        values[self.name] = [self.value]
        req.raw_query = encode_query(values)


class ParamMatcher:
    """``querystring.Filter``'s condition: the parameter is there (with ``value``, if given)."""

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def match_request(self, req: BackendRequest) -> bool:
        values = parse_query(req.raw_query).get(self.name)
        return values is not None and (not self.value or self.value in values)

    def match_response(self, res: BackendResponse) -> bool:
        return self.match_request(res.request)


class ParamVerifier:
    """``querystring.Verifier``: checks the query and, for a form body, its fields."""

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def modify_request(self, req: BackendRequest) -> None:
        form = parse_query(req.raw_query)
        content_type = req.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if req.method in ("POST", "PUT", "PATCH") and content_type == FORM:
            for key, values in parse_query(req.body.decode("utf-8", "replace")).items():
                form.setdefault(key, []).extend(values)
        found = form.get(self.name)
        if found is None:
            report(f"request({req.url()}) param verification error: key {self.name} not found")
        elif self.value and self.value not in found:
            report(
                f"request({req.url()}) param verification error: got {', '.join(found)} "
                f"for key {self.name}, want {self.value}"
            )


@modifier("querystring.Modifier", "name", "value")
def _set(fields: Fields) -> Result:
    return new_result(fields, SetParam(fields.string("name"), fields.string("value")))


@modifier("querystring.Filter", "name", "value", "modifier", "else")
def _filter(fields: Fields) -> Result:
    matcher = ParamMatcher(fields.string("name"), fields.string("value"))
    return new_result(fields, new_filter(fields, matcher))


@modifier("querystring.Verifier", "name", "value")
def _verifier(fields: Fields) -> Result:
    name = fields.string("name")
    if not name:
        raise DefinitionError(fields.path("name"), "is required")
    return new_result(fields, ParamVerifier(name, fields.string("value")))
