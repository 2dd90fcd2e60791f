"""Request bodies validated by a real gateway in front of a real backend that counts its hits:
a failing body gets KrakenD's 400 and its reason, and never reaches a backend."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from json_schema_stack import Stack
from propylon.sdk.testing import Reply, send

DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"
USERS = {
    "$schema": DRAFT7,
    "type": "object",
    "required": ["name", "email"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string", "minLength": 1},
        "email": {"type": "string", "format": "email"},
        "role": {"enum": ["admin", "user"]},
        "team": {"type": "string"},
    },
    "if": {"properties": {"role": {"const": "admin"}}, "required": ["role"]},
    "then": {"required": ["team"]},
}
ORDERS = {
    "$schema": DRAFT2020,
    "type": "object",
    "properties": {
        "lines": {
            "type": "array",
            "prefixItems": [{"type": "string"}],
            "items": {"type": "integer"},
        },
        "coupon": {"type": "string"},
        "code": {"type": "string"},
        "contact": {"type": "string", "format": "email"},
    },
    "dependentRequired": {"coupon": ["code"]},
    "unevaluatedProperties": False,
}
DRAFT4 = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "properties": {"n": {"type": "number", "maximum": 10, "exclusiveMaximum": True}},
}
TREE = {
    "$defs": {"node": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
    "$ref": "#/$defs/node",
}
KINDS = {
    "type": "object",
    "properties": {
        "any": {"anyOf": [{"type": "string"}, {"minimum": 5}]},
        "one": {"oneOf": [{"type": "number"}, {"minimum": 0}]},
        "tags": {"type": "array", "uniqueItems": True, "maxItems": 3},
        "code": {"type": "string", "pattern": "^[A-Z]+$"},
        "kind": {"const": "order"},
        "not": {"not": {"type": "integer"}},
        "map": {"type": "object", "propertyNames": {"maxLength": 2}},
        "step": {"multipleOf": 0.5, "exclusiveMaximum": 1e21},
    },
}
BULK = {"type": "array", "items": {"type": "object", "required": ["sku"]}}


@pytest.fixture(scope="module")
def url(stack: Stack) -> str:
    return stack.gateway(
        [
            {"endpoint": "/users", "extra_config": {"validation/json-schema": USERS}},
            {"endpoint": "/orders", "extra_config": {"validation/json-schema": ORDERS}},
            {"endpoint": "/draft4", "extra_config": {"validation/json-schema": DRAFT4}},
            {"endpoint": "/number", "extra_config": {"validation/json-schema": {"type": "number"}}},
            {"endpoint": "/tree", "extra_config": {"validation/json-schema": TREE}},
            {"endpoint": "/bulk", "extra_config": {"validation/json-schema": BULK}},
            {"endpoint": "/kinds", "extra_config": {"validation/json-schema": KINDS}},
            {"endpoint": "/plain"},
            {
                "endpoint": "/read",
                "method": "GET",
                "extra_config": {"validation/json-schema": {"type": "object"}},
            },
            {
                "endpoint": "/merged",
                "backend": [
                    {"host": [stack.backend_url], "url_pattern": "/merged/a"},
                    {"host": [stack.backend_url], "url_pattern": "/merged/b"},
                ],
                "extra_config": {"validation/json-schema": {"required": ["id"]}},
            },
        ]
    )


def refused(reply: Reply, message: str) -> None:
    assert reply.status == 400, reply.text
    assert reply.text == message
    assert reply.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_a_valid_body_reaches_the_backend_unchanged(
    url: str, stack: Stack, post: Callable[..., Reply]
) -> None:
    body = b'{"id": 7, "name": "Ann", "email": "ann@example.com", "role": "admin", "team": "x"}'
    before = stack.hits("/users")
    reply = post(url + "/users", body, **{"Content-Type": "application/json"})
    assert reply.status == 200, reply.text
    assert json.loads(reply.body) == {"ok": True}
    assert stack.hits("/users") == before + 1
    assert stack.last() == ("/users", body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"id": "7", "name": "Ann", "email": "a@b.c"}, "- at '/id': got string, want integer"),
        ({"name": "Ann"}, "- at '': missing property 'email'"),
        ({}, "- at '': missing properties 'name', 'email'"),
        (
            {"name": "Ann", "email": "a@b.c", "x": 1},
            "- at '': additional properties 'x' not allowed",
        ),
        ([1], "- at '': got array, want object"),
        # draft 7: if/then, and format asserted
        ({"name": "Ann", "email": "a@b.c", "role": "admin"}, "- at '': missing property 'team'"),
        ({"name": "Ann", "email": "nope"}, "- at '/email': 'nope' is not valid email"),
        (
            {"name": "", "email": "a@b.c", "role": "root"},
            "- at '/name': minLength: got 0, want 1\n- at '/role': value must be one of 'admin', 'user'",
        ),
    ],
)
def test_a_draft_7_body_that_does_not_match_is_refused(
    url: str, stack: Stack, post: Callable[..., Reply], body: object, message: str
) -> None:
    before = stack.hits("/users")
    refused(post(url + "/users", json.dumps(body).encode()), message)
    assert stack.hits("/users") == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"lines": ["a", 1, "b"]}, "- at '/lines/2': got string, want integer"),
        ({"coupon": "X"}, "- at '': properties 'code' required, if 'coupon' exists"),
        ({"code": "X", "other": 1}, "- at '/other': false schema"),
    ],
)
def test_2020_12_keywords_are_enforced(
    url: str, stack: Stack, post: Callable[..., Reply], body: object, message: str
) -> None:
    before = stack.hits("/orders")
    refused(post(url + "/orders", json.dumps(body).encode()), message)
    assert stack.hits("/orders") == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"any": 1},
            "- at '/any': anyOf failed\n  - at '/any': got number, want string"
            "\n  - at '/any': minimum: got 1, want 5",
        ),
        ({"one": 1}, "- at '/one': oneOf failed, subschemas 0, 1 matched"),
        ({"tags": [1, "a", 1.0]}, "- at '/tags': items at 0 and 2 are equal"),
        ({"tags": [1, 2, 3, 4]}, "- at '/tags': maxItems: got 4, want 3"),
        ({"code": "ab'c"}, "- at '/code': 'ab\\'c' does not match pattern '^[A-Z]+$'"),
        ({"kind": "user"}, "- at '/kind': value must be 'order'"),
        ({"not": 3}, "- at '/not': not failed"),
        ({"map": {"abc": 1}}, "- at '/map': invalid propertyName 'abc'"),
        ({"step": 0.7}, "- at '/step': multipleOf: got 0.7, want 0.5"),
        ({"step": 2e21}, "- at '/step': exclusiveMaximum: got 2e+21, want 1e+21"),
    ],
)
def test_reasons_are_worded_as_krakend_words_them(
    url: str, post: Callable[..., Reply], body: object, message: str
) -> None:
    refused(post(url + "/kinds", json.dumps(body).encode()), message)


def test_2020_12_formats_are_annotations(
    url: str, stack: Stack, post: Callable[..., Reply]
) -> None:
    before = stack.hits("/orders")
    assert post(url + "/orders", b'{"lines": ["a", 1], "contact": "nope"}').status == 200
    assert stack.hits("/orders") == before + 1


def test_draft_4_boolean_exclusive_maximum(url: str, post: Callable[..., Reply]) -> None:
    refused(post(url + "/draft4", b'{"n": 10}'), "- at '/n': exclusiveMaximum: got 10, want 10")
    assert post(url + "/draft4", b'{"n": 9.5}').status == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"foo": 42}', "- at '': got object, want number"),
        (b"{x", "invalid character 'x' looking for beginning of object key string"),
        (b"42 43", "invalid character after top-level value"),
        (b"[1, 2", "unexpected EOF"),
        (b"nul", "unexpected EOF"),
        (b"<xml/>", "invalid character '<' looking for beginning of value"),
        (b"", "could not validate an empty body"),
    ],
)
def test_bodies_that_are_not_a_matching_json_document(
    url: str, stack: Stack, post: Callable[..., Reply], body: bytes, message: str
) -> None:
    before = stack.hits("/number")
    refused(post(url + "/number", body), message)
    assert stack.hits("/number") == before
    assert post(url + "/number", b" 42.5 \n").status == 200


def test_a_request_without_a_body_is_refused(url: str, stack: Stack) -> None:
    refused(send("GET", url + "/read"), "could not validate an empty body")
    assert stack.hits("/read") == 0


def test_no_backend_of_a_merged_endpoint_is_called(
    url: str, stack: Stack, post: Callable[..., Reply]
) -> None:
    refused(post(url + "/merged", b'{"no": 1}'), "- at '': missing property 'id'")
    assert stack.hits("/merged/a") == stack.hits("/merged/b") == 0
    assert post(url + "/merged", b'{"id": 1}').status == 200
    assert stack.hits("/merged/a") == stack.hits("/merged/b") == 1


def test_an_endpoint_without_the_namespace_is_not_validated(
    url: str, stack: Stack, post: Callable[..., Reply]
) -> None:
    assert post(url + "/plain", b"not json").status == 200
    assert stack.last() == ("/plain", b"not json")


def test_deep_nesting_is_refused_and_the_worker_keeps_serving(
    url: str, stack: Stack, post: Callable[..., Reply]
) -> None:
    before = stack.hits("/tree")
    refused(post(url + "/tree", b"[" * 200_000 + b"]" * 200_000), "exceeded max depth")
    assert post(url + "/tree", b"[" * 1000 + b"]" * 1000).status == 200
    deepest = "- at '" + "/0" * 1000 + "': got number, want array"
    refused(post(url + "/tree", b"[" * 1000 + b"1" + b"]" * 1000), deepest)
    assert stack.hits("/tree") == before + 1


def test_a_large_body_is_validated_and_its_errors_are_bounded(
    url: str, stack: Stack, post: Callable[..., Reply]
) -> None:
    good = json.dumps([{"sku": f"S{i}", "qty": i} for i in range(100_000)]).encode()
    assert len(good) > 2_000_000
    assert post(url + "/bulk", good).status == 200
    assert stack.last() == ("/bulk", good)
    reply = post(url + "/bulk", json.dumps([{"qty": i} for i in range(100_000)]).encode())
    assert reply.status == 400
    lines = reply.text.split("\n")
    assert len(lines) == 50
    assert lines[0] == "- at '/0': missing property 'sku'"


def test_the_reason_is_only_logged_without_return_error_msg(
    stack: Stack, post: Callable[..., Reply]
) -> None:
    quiet = stack.gateway(
        [{"endpoint": "/quiet", "extra_config": {"validation/json-schema": {"type": "number"}}}],
        error_msg=False,
    )
    reply = post(quiet + "/quiet", b'"text"')
    assert (reply.status, reply.body) == (400, b"")
    assert stack.hits("/quiet") == 0
