"""Request/response modifiers: add request headers, stamp the response, reject requests."""

from __future__ import annotations

from collections.abc import Callable

from propylon.sdk import PluginError, Registrar, Request, ResponseWrapper


def register(registrar: Registrar) -> None:
    registrar.request_modifier("add-headers", _add_headers)
    registrar.request_modifier("require-query", _require_query)
    registrar.response_modifier("stamp", _stamp)


def _add_headers(config: dict) -> Callable[[Request], Request]:
    extra = {k: [str(v)] for k, v in config.get("headers", {}).items()}

    def modify(request: Request) -> Request:
        request.headers.update(extra)
        return request

    return modify


def _require_query(config: dict) -> Callable[[Request], Request]:
    name = config.get("name", "key")

    def modify(request: Request) -> Request:
        if name not in request.query:
            raise PluginError(f"missing query parameter {name!r}", 400)
        return request

    return modify


def _stamp(config: dict) -> Callable[[ResponseWrapper], ResponseWrapper]:
    field = config.get("field", "stamped_by")
    value = config.get("value", "modifier_stamp")

    def modify(response: ResponseWrapper) -> ResponseWrapper:
        response.data[field] = value
        return response

    return modify
