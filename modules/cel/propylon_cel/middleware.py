"""The checking proxy, the same at the endpoint and at the backend level, as krakend-cel's.

Request expressions run before the next proxy, response expressions on what it returns. The
first that does not hold aborts with ``request aborted by evaluator #N`` (N counts the
expressions of that stage), which the client gets as KrakenD's 500; at the backend level of
an endpoint with several backends only that backend fails, and the others' data is returned
as incomplete. An error of the next proxy is passed on without evaluating anything.

At the endpoint level, ``JWT`` expressions run first, on the claims an authentication module
verified (``claims_of``): one that does not hold refuses the request with 401 and an empty
body, as KrakenD's rejecter in its JWT validator does. A request without verified claims (no
``auth/validator`` on the endpoint) skips them: KrakenD consults them only from the validator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from propylon.sdk import Proxy, ProxyError, Request, Response, claims_of

from propylon_cel.evaluate import Evaluator
from propylon_cel.expression import JWT, Stage
from propylon_cel.options import Checks, at_stage


class Aborted(ProxyError):
    """An expression did not hold."""

    def __init__(self, index: int) -> None:
        super().__init__(f"request aborted by evaluator #{index}")


class Rejected(ProxyError):
    """A ``JWT`` expression did not hold: 401, nothing said (the evaluator logs which)."""

    status_code = 401

    def __init__(self) -> None:
        super().__init__("")


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


def new_checker(
    checks: Checks, name: str, log: logging.Logger, *, claims: bool = False
) -> Callable[[Proxy], Proxy] | None:
    """The middleware of ``checks`` (``name``: ``[ENDPOINT: /x][CEL]``), with their ``JWT``
    expressions when ``claims`` (the endpoint level); None when none of them is evaluated."""
    jwt = at_stage(checks, Stage.JWT) if claims else ()
    pre, post = at_stage(checks, Stage.REQUEST), at_stage(checks, Stage.RESPONSE)
    log.debug("%s %d preEvaluator(s), %d postEvaluator(s) loaded", name, len(pre), len(post))
    rejecter = Evaluator(jwt, f"{name}[JWT]", log)
    before = Evaluator(pre, f"{name}[pre]", log)
    after = Evaluator(post, f"{name}[post]", log)
    if not rejecter and not before and not after:
        return None

    def middleware(next_proxy: Proxy) -> Proxy:
        async def check(request: Request) -> Response:
            if rejecter:
                verified = claims_of(request)
                if (
                    verified is not None
                    and rejecter.first_failing({JWT: dict(verified)}) is not None
                ):
                    raise Rejected()
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
