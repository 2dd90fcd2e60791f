"""The martian HTTP client: request modifiers on the request the backend proxy built, before
it is sent; response modifiers on the response as it came back, before its status is checked
and its body decoded. This is where KrakenD runs them, wrapping the backend's HTTP executor.

A modifier's error fails the backend call. A request marked to skip the call (``static``)
gets an empty 200 response for the response modifiers to fill.
"""

from __future__ import annotations

from collections.abc import Callable

from multidict import CIMultiDict, CIMultiDictProxy
from propylon.sdk import BackendResponse as ClientResponse
from propylon.sdk import Headers, HTTPExecutor

from propylon_martian.definition import Result
from propylon_martian.message import BackendRequest, BackendResponse

OK = 200


def new_martian_client(modifiers: Result) -> Callable[[HTTPExecutor], HTTPExecutor]:
    on_request, on_response = modifiers.request, modifiers.response

    def wrap(execute: HTTPExecutor) -> HTTPExecutor:
        async def martian(method: str, url: str, headers: Headers, body: bytes) -> ClientResponse:
            req = BackendRequest.of(method, url, headers, body)
            if on_request is not None:
                on_request.modify_request(req)
            if req.skip_round_trip:
                sent = req.url(fragment=False)
                res = BackendResponse(OK, CIMultiDict(), b"", req)
            else:
                sent = req.url(fragment=False)
                got = await execute(req.method, sent, req.wire_headers(), req.body)
                sent = got.url
                res = BackendResponse(got.status, CIMultiDict(got.headers), got.body, req)
            if on_response is not None:
                on_response.modify_response(res)
            return ClientResponse(res.status, CIMultiDictProxy(res.headers), res.body, sent)

        return martian

    return wrap
