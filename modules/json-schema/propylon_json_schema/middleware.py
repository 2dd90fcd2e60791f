"""The validating proxy: the body checked against the endpoint's schema before any backend.

It sits in the proxy layer, around the endpoint's whole pipe, where KrakenD CE puts it: a
body that fails never reaches a backend, and the client gets 400 Bad Request with the reason
as the error (its text is the response body when ``router.return_error_msg`` is set).
"""

from __future__ import annotations

from collections.abc import Callable

from propylon.sdk import Proxy, ProxyError, Request, Response

from propylon_json_schema.body import MalformedBody, parse_body
from propylon_json_schema.messages import describe
from propylon_json_schema.options import JsonSchema


class InvalidBody(ProxyError):
    """A body that is not JSON, or does not match the schema."""

    status_code = 400


def new_validator(options: JsonSchema) -> Callable[[Proxy], Proxy]:
    validator, schema = options.validator, options.document

    def middleware(next_proxy: Proxy) -> Proxy:
        async def validate(request: Request) -> Response:
            try:
                document = parse_body(request.body)
            except MalformedBody as exc:
                raise InvalidBody(str(exc)) from None
            if not validator.is_valid(document):
                raise InvalidBody(describe(validator.iter_errors(document), schema))
            return await next_proxy(request)

        return validate

    return middleware
