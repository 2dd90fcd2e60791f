"""Backend encodings (how a body is read) and output encodings (how a response is written)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from .cfg import backend, endpoint, service

NAME_AND_ID = ["id", "name"]


@pytest.fixture
def gateway(serve: Any, backend_url: str) -> str:
    user = backend(backend_url, "/user/1", allow=NAME_AND_ID)
    return serve(
        service(
            endpoint("/xml-in", backend(backend_url, "/xml", encoding="xml")),
            endpoint(
                "/xml-list-in",
                backend(backend_url, "/xml-list", encoding="xml", target="users"),
            ),
            endpoint("/not-xml", backend(backend_url, "/text", encoding="xml")),
            endpoint("/string-in", backend(backend_url, "/text", encoding="string")),
            endpoint("/safe-scalar", backend(backend_url, "/scalar", encoding="safejson")),
            endpoint("/safe-array", backend(backend_url, "/array", encoding="safejson")),
            endpoint(
                "/safe-object", backend(backend_url, "/user/1", encoding="safejson", allow=["id"])
            ),
            endpoint("/no-op", backend(backend_url, "/raw"), output_encoding="no-op"),
            endpoint("/json-out", user),
            endpoint("/xml-out", user, output_encoding="xml"),
            endpoint("/yaml-out", user, output_encoding="yaml"),
            endpoint(
                "/string-out",
                backend(backend_url, "/text", encoding="string"),
                output_encoding="string",
            ),
            endpoint("/negotiate", user, output_encoding="negotiate"),
            endpoint(
                "/collection-out",
                backend(backend_url, "/array", is_collection=True),
                output_encoding="json-collection",
            ),
        )
    )


def _ok(client: Any, url: str, **kwargs: Any) -> Any:
    reply = client.get(url, **kwargs)
    assert reply.status == 200, reply.text
    return reply


def test_xml_backend(gateway: str, client: Any) -> None:
    data = _ok(client, gateway + "/xml-in").json()
    assert data == {"user": {"-id": "7", "name": "Ann", "role": "admin"}}


def test_xml_backend_repeated_elements_are_a_list(gateway: str, client: Any) -> None:
    data = _ok(client, gateway + "/xml-list-in").json()
    assert data == {"user": [{"name": "Ann"}, {"name": "Bob"}]}


def test_body_not_in_the_declared_encoding_fails(gateway: str, client: Any) -> None:
    reply = client.get(gateway + "/not-xml")
    assert reply.status == 500
    assert reply.headers["X-Propylon-Completed"] == "false"


def test_string_backend(gateway: str, client: Any) -> None:
    assert _ok(client, gateway + "/string-in").json() == {"content": "hello, world"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/safe-scalar", {"content": 42}),
        ("/safe-array", {"collection": [{"id": 1, "n": "a"}, {"id": 2, "n": "b"}]}),
        ("/safe-object", {"id": 1}),
    ],
)
def test_safejson_backend_takes_any_json(
    gateway: str, client: Any, path: str, expected: Any
) -> None:
    assert _ok(client, gateway + path).json() == expected


def test_no_op_passes_the_backend_response_through(gateway: str, client: Any) -> None:
    reply = client.get(gateway + "/no-op")
    assert reply.status == 201
    assert reply.body == b"raw <bytes> as-is"
    assert reply.headers["Content-Type"].startswith("text/x-raw")
    assert reply.headers["X-Backend"] == "raw"
    assert "session=abc" in reply.headers["Set-Cookie"]
    assert reply.headers["X-Propylon-Completed"] == "false"  # as KrakenD marks no-op


def test_json_output(gateway: str, client: Any) -> None:
    reply = _ok(client, gateway + "/json-out")
    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert reply.body == b'{"id":1,"name":"Ann"}'


def test_xml_output(gateway: str, client: Any) -> None:
    reply = _ok(client, gateway + "/xml-out")
    assert reply.headers["Content-Type"] == "application/xml"
    assert reply.text == "<doc><id>1</id><name>Ann</name></doc>"


def test_yaml_output(gateway: str, client: Any) -> None:
    reply = _ok(client, gateway + "/yaml-out")
    assert reply.headers["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(reply.text) == {"id": 1, "name": "Ann"}


def test_string_output(gateway: str, client: Any) -> None:
    reply = _ok(client, gateway + "/string-out")
    assert reply.headers["Content-Type"].startswith("text/plain")
    assert reply.text == "hello, world"


def test_json_collection_output_is_a_top_level_array(gateway: str, client: Any) -> None:
    assert _ok(client, gateway + "/collection-out").json() == [
        {"id": 1, "n": "a"},
        {"id": 2, "n": "b"},
    ]


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/json", "application/json"),
        ("application/xml", "application/xml"),
        ("text/xml", "application/xml"),
        ("application/x-yaml", "application/yaml"),
        ("text/plain", "application/yaml"),
        ("application/xml;q=0.5, application/json", "application/json"),
        ("image/png", "application/json"),
        ("", "application/json"),
    ],
)
def test_negotiate_follows_accept(
    gateway: str, client: Any, accept: str, content_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    reply = _ok(client, gateway + "/negotiate", headers=headers)
    assert reply.headers["Content-Type"].startswith(content_type)
    if content_type == "application/xml":
        assert reply.text == "<doc><id>1</id><name>Ann</name></doc>"
    else:  # JSON is a subset of YAML
        assert yaml.safe_load(reply.text) == {"id": 1, "name": "Ann"}
