"""Endpoint level: the endpoint's handler checks the User-Agent before its proxy runs."""

from __future__ import annotations

import logging
from collections.abc import Callable

from propylon.sdk import Answer, EndpointConfig, Handler, HandlerFactory, Proxy, ServerRequest

from propylon_bot_detector.detector import new_detector
from propylon_bot_detector.options import DETECTOR, DetectorOptions
from propylon_bot_detector.reject import FORBIDDEN, is_rejected


def new_bot_detector(
    options: DetectorOptions, log: logging.Logger, prefix: str
) -> Callable[[Handler], Handler]:
    """Wraps an endpoint's handler: a bot gets 403 and the handler never runs."""
    detector = new_detector(options)

    def wrap(handle: Handler) -> Handler:
        async def detect(request: ServerRequest) -> Answer:
            if is_rejected(detector, request, log, prefix):
                return Answer(FORBIDDEN)
            return await handle(request)

        return detect

    return wrap


def new_handler_factory(next_factory: HandlerFactory, log: logging.Logger) -> HandlerFactory:
    def handler_factory(endpoint: EndpointConfig, proxy: Proxy) -> Handler:
        handle = next_factory(endpoint, proxy)
        options = DETECTOR.of(endpoint)
        if options is None:
            return handle
        prefix = f"[ENDPOINT: {endpoint.endpoint}][Botdetector]"
        return new_bot_detector(options, log, prefix)(handle)

    return handler_factory
