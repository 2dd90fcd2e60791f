"""Martian's verifiers: expectations about the traffic that never change it.

In martian a verifier keeps its failures for the proxy's verification API, which KrakenD does
not serve: its failures are seen by nobody there (and ``status``, ``url`` and ``querystring``
verifiers stop the request, as they look for a martian proxy session KrakenD does not have).
Here a failure is logged, one warning each, in martian's words; the request and the response
go on untouched.
"""

from __future__ import annotations

from propylon.sdk import get_logger

from propylon_martian.definition import DefinitionError, Fields, Result, modifier, new_result
from propylon_martian.message import BackendRequest, BackendResponse

_log = get_logger("martian")


def report(failure: str) -> None:
    _log.warning("[MARTIAN] verification failed: %s", failure)


class StatusVerifier:
    def __init__(self, status: int) -> None:
        self.status = status

    def modify_response(self, res: BackendResponse) -> None:
        if res.status != self.status:
            report(
                f"response({res.request.url()}) status code verify failure: "
                f"got {res.status}, want {self.status}"
            )


class MethodVerifier:
    def __init__(self, method: str) -> None:
        self.method = method

    def modify_request(self, req: BackendRequest) -> None:
        if req.method != self.method:
            report(
                f"request({req.url()}) method verification error: "
                f"got {req.method}, want {self.method}"
            )


@modifier("status.Verifier", "statusCode")
def _status(fields: Fields) -> Result:
    return new_result(fields, StatusVerifier(fields.integer("statusCode", 0, 999)))


@modifier("method.Verifier", "method")
def _method(fields: Fields) -> Result:
    method = fields.string("method")
    if not method:
        raise DefinitionError(fields.path("method"), "is required")
    return new_result(fields, MethodVerifier(method))
