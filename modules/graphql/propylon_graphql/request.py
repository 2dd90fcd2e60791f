"""The GraphQL request sent instead of the client's, as Lura builds it.

A query takes the configured ``variables``, where a value written ``"{name}"`` is replaced by
the endpoint param ``name``; a mutation takes the client's JSON body as its variables, the
configured ones filling the keys it lacks. GET sends ``query``, ``operationName`` and
``variables`` (JSON) in the query string; POST sends them as a JSON body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from propylon.sdk import Middleware, Proxy, ProxyError, Request, Response

from propylon_graphql.options import GraphQLOptions

Variables = Callable[[Request], dict[str, Any]]
_JSON = ["application/json"]


class BadVariablesError(ProxyError):
    """A mutation's body that is not a JSON object."""

    status_code = 400


def _param_key(name: str) -> str:
    return name[:1].upper() + name[1:]


def _from_params(options: GraphQLOptions) -> Variables:
    replaced = {
        key: _param_key(value[1:-1])
        for key, value in options.variables.items()
        if isinstance(value, str) and len(value) > 2 and value[0] == "{" and value[-1] == "}"
    }

    def variables(request: Request) -> dict[str, Any]:
        found = dict(options.variables)
        for key, param in replaced.items():
            found[key] = request.params.get(param, "")
        return found

    return variables


def _from_body(options: GraphQLOptions) -> Variables:
    def variables(request: Request) -> dict[str, Any]:
        try:
            found = json.loads(request.body) if request.body.strip() else {}
        except (ValueError, UnicodeDecodeError):
            found = None
        if not isinstance(found, dict):
            raise BadVariablesError("a mutation's body must be a JSON object of its variables")
        for key, value in options.variables.items():
            found.setdefault(key, value)
        return found

    return variables


def new_graphql(options: GraphQLOptions) -> Middleware:
    variables = _from_params(options) if options.type == "query" else _from_body(options)

    def fields(request: Request) -> dict[str, Any]:
        out: dict[str, Any] = {"query": options.document}
        if options.operation_name:
            out["operationName"] = options.operation_name
        found = variables(request)
        if found:
            out["variables"] = found
        return out

    def wrap(next_proxy: Proxy) -> Proxy:
        async def get(request: Request) -> Response:
            sent = fields(request)
            if "variables" in sent:
                sent["variables"] = json.dumps(sent["variables"], separators=(",", ":"))
            query = urlencode(sorted(sent.items()))
            request.url += ("&" if "?" in request.url else "?") + query
            request.method, request.body = "GET", b""
            request.headers = {**request.headers, "Content-Type": _JSON}
            return await next_proxy(request)

        async def post(request: Request) -> Response:
            request.body = json.dumps(fields(request), separators=(",", ":")).encode()
            request.method = "POST"
            request.headers = {**request.headers, "Content-Type": _JSON}
            return await next_proxy(request)

        return get if options.method == "GET" else post

    return wrap
