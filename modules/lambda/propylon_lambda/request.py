"""What is invoked: the function and its payload, from the request, as KrakenD builds them.

A GET sends the endpoint's params as a JSON object (names lower-cased); other methods send the
request body as it came. The function is ``function_name``, or the param
``function_param_name`` names. The backend proxy writes both into the request it passes on:
the function as its URL (``lambda:NAME``), the payload as its body.
"""

from __future__ import annotations

import json

from propylon.sdk import Middleware, Proxy, ProxyError, Request, Response

from propylon_lambda.options import LambdaOptions

SCHEME = "lambda:"


class NoFunctionError(ProxyError):
    """The endpoint param naming the function is empty."""

    status_code = 400


def new_invocation(options: LambdaOptions, method: str) -> Middleware:
    fixed = options.function_name
    param = options.function_param_name
    # Lura stores a param with its first letter upper-cased ({function} -> Function).
    stored = param[:1].upper() + param[1:]
    from_params = method == "GET"

    def wrap(next_proxy: Proxy) -> Proxy:
        async def invocation(request: Request) -> Response:
            function = fixed or request.params.get(param) or request.params.get(stored, "")
            if not function:
                raise NoFunctionError(f"no function name in the param {param!r}")
            request.url = SCHEME + function
            if from_params:
                params = {k.lower(): v for k, v in request.params.items()}
                request.body = json.dumps(params).encode()
            return await next_proxy(request)

        return invocation

    return wrap
