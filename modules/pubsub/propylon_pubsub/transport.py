"""The pubsub backends as the HTTP executors of their backends: the gateway's backend proxy then
checks, decodes (by the backend's ``encoding``) and shapes (``allow``, ``mapping``, ``group``...)
a message as it does an HTTP answer, as KrakenD decodes and formats it."""

from __future__ import annotations

from multidict import CIMultiDict, CIMultiDictProxy
from propylon.sdk import BackendResponse, Headers, HTTPExecutor

from propylon_pubsub.drivers.base import Subscription, Topic

_NO_HEADERS: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


def new_publisher(topic: Topic, url: str) -> HTTPExecutor:
    """Sends the request body, with the first value of each header as metadata; answers an
    empty object once the broker took it."""

    async def publish(_method: str, _url: str, headers: Headers, body: bytes) -> BackendResponse:
        metadata = {name: values[0] for name, values in headers.items() if values}
        await topic.send(body, metadata)
        return BackendResponse(200, _NO_HEADERS, b"", url)

    return publish


def new_subscriber(subscription: Subscription, url: str) -> HTTPExecutor:
    """Answers with the next message, waiting for one within the endpoint's timeout."""

    async def receive(_method: str, _url: str, _headers: Headers, _body: bytes) -> BackendResponse:
        return BackendResponse(200, _NO_HEADERS, await subscription.receive(), url)

    return receive
