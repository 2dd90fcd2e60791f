"""Request/response modifiers: add request headers, stamp the response, reject requests."""

from __future__ import annotations

from propylon.plugin.api import PluginError


def register(registrar) -> None:
    registrar.request_modifier("add-headers", _add_headers)
    registrar.request_modifier("require-query", _require_query)
    registrar.response_modifier("stamp", _stamp)


def _add_headers(config: dict):
    extra = {k: [str(v)] for k, v in config.get("headers", {}).items()}

    def modify(request):
        request.headers.update(extra)
        return request

    return modify


def _require_query(config: dict):
    name = config.get("name", "key")

    def modify(request):
        if name not in request.query:
            raise PluginError(f"missing query parameter {name!r}", 400)
        return request

    return modify


def _stamp(config: dict):
    field = config.get("field", "stamped_by")
    value = config.get("value", "modifier_stamp")

    def modify(response):
        response.data[field] = value
        return response

    return modify
