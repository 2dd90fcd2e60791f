"""Service level: every request of the gateway, endpoints and its own paths, is checked."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from propylon_bot_detector.detector import Detector
from propylon_bot_detector.reject import forbidden, is_rejected

PREFIX = "[SERVICE: aiohttp][Botdetector]"


def new_middleware(detector: Detector, log: logging.Logger) -> Middleware:
    @web.middleware
    async def bot_detector(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_rejected(detector, request, log, PREFIX):
            return forbidden()
        return await handler(request)

    return bot_detector
