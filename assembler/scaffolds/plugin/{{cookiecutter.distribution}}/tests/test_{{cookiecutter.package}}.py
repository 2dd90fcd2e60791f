"""The plugin registers its three handlers with the names the gateway's config uses."""

from __future__ import annotations

import asyncio

from propylon.sdk import HTTPRequest, HTTPResponse, Metadata, Response, ResponseWrapper

NAME = "{{ cookiecutter.plugin_name }}"


def test_registers_every_kind(loaded) -> None:
    _, report = loaded
    assert report.registered["server"] == [NAME]
    assert report.registered["client"] == [NAME]
    assert report.registered["response_modifier"] == [NAME]


def test_client_handler_adds_its_header(loaded) -> None:
    registry, _ = loaded
    seen: list[HTTPRequest] = []

    async def default(request: HTTPRequest) -> HTTPResponse:
        seen.append(request)
        return HTTPResponse(200)

    execute = registry.client[NAME]({"header": "X-Via"}, default)
    response = asyncio.run(execute(HTTPRequest("GET", "http://backend/", {})))
    assert response.status == 200
    assert seen[0].headers["X-Via"] == [NAME]


def test_response_modifier_stamps_data(loaded) -> None:
    registry, _ = loaded
    response = ResponseWrapper(Response(data={"a": 1}, metadata=Metadata(200, {})))
    modified = registry.response_modifier[NAME]({})(response)
    assert modified.data == {"a": 1, NAME: True}
