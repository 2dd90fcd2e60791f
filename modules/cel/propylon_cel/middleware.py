"""The checking proxy, the same at the endpoint and at the backend level, as krakend-cel's.

Request expressions run before the next proxy, response expressions on what it returns. The
first that does not hold aborts with ``request aborted by evaluator #N`` (N counts the
expressions of that stage), which the client gets as KrakenD's 500; at the backend level of
an endpoint with several backends only that backend fails, and the others' data is returned
as incomplete. An error of the next proxy is passed on without evaluating anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from propylon.sdk import Proxy, ProxyError, Request, Response

from propylon_cel.evaluate import Evaluator
from propylon_cel.expression import Stage
from propylon_cel.options import Checks, at_stage


class Aborted(ProxyError):
    """An expression did not hold."""

    def __init__(self, index: int) -> None:
        super().__init__(f"request aborted by evaluator #{index}")


def request_values(request: Request) -> dict[str, object]:
    return {
        "req_method": request.method,
        "req_path": request.path,
        "req_params": request.params,
        "req_headers": request.headers,
        "req_querystring": request.query,
    }


def response_values(response: Response) -> dict[str, object]:
    return {
        "resp_completed": response.is_complete,
        "resp_metadata_status": response.metadata.status_code,
        "resp_metadata_headers": response.metadata.headers,
        "resp_data": response.data,
    }


def new_checker(checks: Checks, name: str, log: logging.Logger) -> Callable[[Proxy], Proxy] | None:
    """The middleware of ``checks`` (``name``: ``[ENDPOINT: /x][CEL]``), or None when none of
    them is evaluated in the proxy layers (JWT ones are the handler's)."""
    pre, post = at_stage(checks, Stage.REQUEST), at_stage(checks, Stage.RESPONSE)
    log.debug("%s %d preEvaluator(s), %d postEvaluator(s) loaded", name, len(pre), len(post))
    before = Evaluator(pre, f"{name}[pre]", log)
    after = Evaluator(post, f"{name}[post]", log)
    if not before and not after:
        return None

    def middleware(next_proxy: Proxy) -> Proxy:
        async def check(request: Request) -> Response:
            if before:
                failed = before.first_failing(request_values(request))
                if failed is not None:
                    raise Aborted(failed)
            response = await next_proxy(request)
            if after:
                failed = after.first_failing(response_values(response))
                if failed is not None:
                    raise Aborted(failed)
            return response

        return check

    return middleware
