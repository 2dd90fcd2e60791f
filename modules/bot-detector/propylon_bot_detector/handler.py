"""Endpoint level: the endpoint's handler checks the User-Agent before its proxy runs."""

from __future__ import annotations

import logging

from aiohttp import web
from propylon.config.model import EndpointConfig
from propylon.proxy.types import Proxy
from propylon.router.factory import HandlerFactory
from propylon.router.handler import Handler

from propylon_bot_detector.config import NAMESPACE, parse_config
from propylon_bot_detector.detector import new_detector
from propylon_bot_detector.reject import forbidden, is_rejected


def new_handler_factory(next_factory: HandlerFactory, log: logging.Logger) -> HandlerFactory:
    def handler_factory(endpoint: EndpointConfig, proxy: Proxy) -> Handler:
        handle = next_factory(endpoint, proxy)
        raw = endpoint.extra_config.get(NAMESPACE)
        if raw is None:
            return handle
        where = f"endpoint {endpoint.endpoint}.extra_config.{NAMESPACE}"
        detector = new_detector(parse_config(raw, where))
        prefix = f"[ENDPOINT: {endpoint.endpoint}][Botdetector]"

        async def detect(request: web.Request) -> web.StreamResponse:
            if is_rejected(detector, request, log, prefix):
                return forbidden()
            return await handle(request)

        return detect

    return handler_factory
