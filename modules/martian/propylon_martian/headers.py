"""Martian's ``header`` package, and KrakenD's ``header.Id``."""

from __future__ import annotations

import uuid
from typing import Any

from propylon_martian.definition import Fields, Result, modifier, new_result
from propylon_martian.filters import new_filter
from propylon_martian.message import (
    BackendRequest,
    BackendResponse,
    RequestHeaders,
    ResponseHeaders,
    canonical,
)
from propylon_martian.regex import compile_field
from propylon_martian.verifiers import report

DEFAULT_ID_HEADER = "X-Krakend-Id"


class SetHeader:
    """``header.Modifier``: sets the header, replacing its values."""

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = canonical(name), value

    def modify_request(self, req: BackendRequest) -> None:
        RequestHeaders(req).set(self.name, self.value)

    def modify_response(self, res: BackendResponse) -> None:
        ResponseHeaders(res.headers).set(self.name, self.value)


class AppendHeader(SetHeader):
    """``header.Append``: adds a value to the header."""

    def modify_request(self, req: BackendRequest) -> None:
        RequestHeaders(req).add(self.name, self.value)

    def modify_response(self, res: BackendResponse) -> None:
        ResponseHeaders(res.headers).add(self.name, self.value)


class Blacklist:
    """``header.Blacklist``: removes the headers."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def modify_request(self, req: BackendRequest) -> None:
        headers = RequestHeaders(req)
        for name in self.names:
            headers.delete(name)

    def modify_response(self, res: BackendResponse) -> None:
        headers = ResponseHeaders(res.headers)
        for name in self.names:
            headers.delete(name)


class CopyHeader:
    """``header.Copy``: sets ``to`` to the first value of ``from`` (empty when absent)."""

    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = source, target

    def modify_request(self, req: BackendRequest) -> None:
        headers = RequestHeaders(req)
        headers.set(self.target, headers.get(self.source))

    def modify_response(self, res: BackendResponse) -> None:
        headers = ResponseHeaders(res.headers)
        headers.set(self.target, headers.get(self.source))


class RequestId:
    """KrakenD's ``header.Id``: a random UUID in the header, unless the request has one."""

    def __init__(self, name: str) -> None:
        self.name = name

    def modify_request(self, req: BackendRequest) -> None:
        if not req.headers.get(self.name):
            req.headers[canonical(self.name)] = str(uuid.uuid4())


class HeaderMatcher:
    """``header.Filter``'s condition: a value of the header equals ``value`` (any value when
    ``value`` is empty)."""

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = canonical(name), value

    def _match(self, values: list[str] | None) -> bool:
        return values is not None and (self.value in values)

    def match_request(self, req: BackendRequest) -> bool:
        return self._match(RequestHeaders(req).all(self.name))

    def match_response(self, res: BackendResponse) -> bool:
        return self._match(ResponseHeaders(res.headers).all(self.name))


class RegexFilter:
    """``header.RegexFilter``: runs its modifier when the request's header (on a response too,
    the header of the request behind it) matches; it has no ``else``."""

    def __init__(self, name: str, pattern: Any, then: Result) -> None:
        self.name, self.pattern, self.then = name, pattern, then

    def _matches(self, req: BackendRequest) -> bool:
        value = req.headers.get(self.name, "")
        return bool(value) and self.pattern.search(value) is not None

    def modify_request(self, req: BackendRequest) -> None:
        if self.then.request is not None and self._matches(req):
            self.then.request.modify_request(req)

    def modify_response(self, res: BackendResponse) -> None:
        if self.then.response is not None and self._matches(res.request):
            self.then.response.modify_response(res)


class HeaderVerifier:
    """``header.Verifier``: the header is present (with ``value``, when given)."""

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def _check(self, scope: str, url: str, values: list[str] | None) -> None:
        if values is None:
            report(f"{scope}({url}) header verify failure: got no header, want {self.name} header")
        elif self.value and self.value not in values:
            report(
                f"{scope}({url}) header verify failure: got {self.name} with value "
                f"{', '.join(values)}, want value {self.value}"
            )

    def modify_request(self, req: BackendRequest) -> None:
        self._check("request", req.url(), RequestHeaders(req).all(self.name))

    def modify_response(self, res: BackendResponse) -> None:
        self._check("response", res.request.url(), ResponseHeaders(res.headers).all(self.name))


@modifier("header.Modifier", "name", "value")
def _set(fields: Fields) -> Result:
    return new_result(fields, SetHeader(fields.header_name("name"), fields.header_value("value")))


@modifier("header.Append", "name", "value")
def _append(fields: Fields) -> Result:
    return new_result(
        fields, AppendHeader(fields.header_name("name"), fields.header_value("value"))
    )


@modifier("header.Blacklist", "names")
def _blacklist(fields: Fields) -> Result:
    return new_result(fields, Blacklist(fields.strings("names")))


@modifier("header.Copy", "from", "to")
def _copy(fields: Fields) -> Result:
    source = fields.header_name("from")
    return new_result(fields, CopyHeader(source, fields.header_name("to")))


@modifier("header.Id", "header")
def _id(fields: Fields) -> Result:
    name = fields.header_name("header", required=False) or DEFAULT_ID_HEADER
    return new_result(fields, RequestId(name))


@modifier("header.Filter", "name", "value", "modifier", "else")
def _filter(fields: Fields) -> Result:
    matcher = HeaderMatcher(fields.header_name("name"), fields.string("value"))
    return new_result(fields, new_filter(fields, matcher))


@modifier("header.RegexFilter", "header", "regex", "modifier")
def _regex_filter(fields: Fields) -> Result:
    name = fields.header_name("header")
    pattern = compile_field(fields, "regex")
    then = fields.modifier("modifier")
    return new_result(fields, RegexFilter(name, pattern, then))  # type: ignore[arg-type]


@modifier("header.Verifier", "name", "value")
def _verifier(fields: Fields) -> Result:
    return new_result(fields, HeaderVerifier(fields.header_name("name"), fields.string("value")))
