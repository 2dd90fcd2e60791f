"""Configuration errors: each names the field, as a path through the definition."""

from __future__ import annotations

from typing import Any

import pytest
from martian_support import REQ, RES, mod
from propylon.sdk.testing import check_config
from propylon_martian import module as martian

AT = "endpoints[0] (GET /x).backend[0].extra_config.modifier/martian."
SET = mod("header.Modifier", REQ, name="X", value="y")


def problems(definition: Any, level: str = "errors") -> list[str]:
    backend = {
        "host": ["http://127.0.0.1:1"],
        "url_pattern": "/",
        "extra_config": {"modifier/martian": definition},
    }
    config = {"version": 3, "endpoints": [{"endpoint": "/x", "backend": [backend]}]}
    return [f"{p.where}: {p.message}" for p in getattr(check_config(config, [martian]), level)]


def test_a_valid_tree_has_no_problem() -> None:
    definition = mod(
        "fifo.Group",
        ["request", "response"],
        aggregateErrors=True,
        modifiers=[
            SET,
            mod("header.RegexFilter", REQ, header="X-N", regex="no!", modifier=SET),
            mod("url.Filter", REQ, host="*.example.com", modifier=SET, **{"else": SET}),
            mod("priority.Group", None, modifiers=[{"priority": 2, "modifier": SET}]),
            {"cookie.Modifier": {"Name": "a", "VALUE": "b", "@comment": "keys fold"}},
        ],
    )
    assert problems(definition, "found") == []


@pytest.mark.parametrize(
    ("definition", "where", "message"),
    [
        (
            mod("header.Modifer", REQ),
            "header.Modifer",
            "unknown modifier (did you mean header.Modifier?)",
        ),
        (
            mod("fifo.Group", REQ, modifiers=[SET, mod("skip.RoundTrip")]),
            "fifo.Group.modifiers[1].skip.RoundTrip",
            "unknown modifier",
        ),
        (
            {**SET, "body.Modifier": {}},
            "body.Modifier",
            "expected one modifier, got 2: header.Modifier, body.Modifier",
        ),
        (
            mod("header.Modifier", REQ, name="X", value=1),
            "header.Modifier.value",
            "expected a string, got a number",
        ),
        (
            mod("header.Modifier", REQ, name="X", valeu="y"),
            "header.Modifier.valeu",
            "unknown field (expected name, scope, value)",
        ),
        (
            mod("header.Modifier", REQ, name="bad name", value="y"),
            "header.Modifier.name",
            "'bad name' is not a valid header name",
        ),
        (
            mod("header.Modifier", ["requests"], name="X"),
            "header.Modifier.scope[0]",
            'must be "request" or "response", got \'requests\'',
        ),
        (
            mod("querystring.Modifier", RES, name="q"),
            "querystring.Modifier.scope[0]",
            "this modifier has no response scope",
        ),
        (mod("header.Id", RES), "header.Id.scope[0]", "this modifier has no response scope"),
        (
            mod("stash.Modifier", RES, headerName="X-S"),
            "stash.Modifier.scope",
            "to write the header on a response, the scope must be both request and response",
        ),
        (mod("header.Filter", REQ, name="X"), "header.Filter.modifier", "is required"),
        (
            mod("header.Filter", REQ, name="X", modifier={}),
            "header.Filter.modifier",
            "expected one modifier, got 0: none",
        ),
        (
            mod("header.RegexFilter", REQ, header="X", regex="(?<=a)b", modifier=SET),
            "header.RegexFilter.regex",
            "invalid regular expression: invalid perl operator: (?<=",
        ),
        (
            mod("url.RegexFilter", REQ, regex="a(", modifier=SET),
            "url.RegexFilter.regex",
            "invalid regular expression: missing ): a(",
        ),
        (
            mod("port.Modifier", REQ),
            "port.Modifier",
            "must specify only one of port, defaultForScheme or remove",
        ),
        (
            mod("port.Modifier", REQ, port=8080, remove=True),
            "port.Modifier",
            "must specify only one of port, defaultForScheme or remove",
        ),
        (
            mod("port.Modifier", REQ, port=70000),
            "port.Modifier.port",
            "must be between 0 and 65535",
        ),
        (
            mod("body.Modifier", REQ, body="not base64!"),
            "body.Modifier.body",
            "expected standard base64",
        ),
        (
            mod("cookie.Modifier", RES, name="c", expires="tomorrow"),
            "cookie.Modifier.expires",
            "expected an RFC 3339 time, got 'tomorrow'",
        ),
        (mod("status.Modifier", RES), "status.Modifier.statusCode", "is required"),
        (
            mod("priority.Group", REQ, modifiers=[{"priority": "1", "modifier": SET}]),
            "priority.Group.modifiers[0].priority",
            "expected an integer, got a string",
        ),
        (
            mod(
                "fifo.Group",
                REQ,
                modifiers=[
                    mod("header.Filter", REQ, name="X", modifier=SET, **{"else": mod("nope")})
                ],
            ),
            "fifo.Group.modifiers[0].header.Filter.else.nope",
            "unknown modifier",
        ),
        (mod("querystring.Verifier", REQ), "querystring.Verifier.name", "is required"),
        (mod("pingback.Verifier", REQ), "pingback.Verifier", "unknown modifier"),
    ],
)
def test_errors_name_the_field(definition: Any, where: str, message: str) -> None:
    assert problems(definition) == [AT + where + ": " + message]


def test_an_empty_definition_is_no_modifier() -> None:
    assert problems({}, "found") == []  # KrakenD runs such a backend without martian
