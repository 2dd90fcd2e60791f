"""{{ cookiecutter.description }}."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from propylon.sdk import Handler, HTTPRequest, HTTPResponse, Registrar, ResponseWrapper

NAME = "{{ cookiecutter.plugin_name }}"
Executor = Callable[[HTTPRequest], Awaitable[HTTPResponse]]


def register(registrar: Registrar) -> None:
    registrar.server(NAME, server_handler)
    registrar.client(NAME, client_handler)
    registrar.response_modifier(NAME, response_modifier)


def server_handler(config: dict, next_handler: Handler) -> Handler:
    """Answers ``path`` itself; every other request goes on to the gateway."""
    path = config.get("path", f"/__{NAME}")

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == path:
            return web.json_response({"plugin": NAME})
        return await next_handler(request)

    return handle


def client_handler(config: dict, default: Executor) -> Executor:
    """Makes the gateway's own call to the backend, with one more request header."""
    header = config.get("header", "X-Plugin")

    async def execute(request: HTTPRequest) -> HTTPResponse:
        request.headers[header] = [NAME]
        return await default(request)

    return execute


def response_modifier(config: dict) -> Callable[[ResponseWrapper], ResponseWrapper]:
    """Adds ``field: true`` to the response data."""
    field = config.get("field", NAME)

    def modify(response: ResponseWrapper) -> ResponseWrapper:
        response.data[field] = True
        return response

    return modify
