"""{{ cookiecutter.description }}."""

from __future__ import annotations

from aiohttp import web

NAME = "{{ cookiecutter.plugin_name }}"


def register(registrar) -> None:
    registrar.server(NAME, server_handler)
    registrar.client(NAME, client_handler)
    registrar.response_modifier(NAME, response_modifier)


def server_handler(config: dict, next_handler):
    path = config.get("path", f"/__{NAME}")

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path == path:
            return web.json_response({"plugin": NAME})
        return await next_handler(request)

    return handle


def client_handler(config: dict, default):
    header = config.get("header", "X-Plugin")

    async def execute(request):
        request.headers[header] = [NAME]
        return await default(request)

    return execute


def response_modifier(config: dict):
    field = config.get("field", NAME)

    def modify(response):
        response.data[field] = True
        return response

    return modify
