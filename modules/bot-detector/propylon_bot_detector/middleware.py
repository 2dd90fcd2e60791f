"""Service level: every request of the gateway, endpoints and its own paths, is checked.

It reads only a ``ServerRequest``'s headers, so the server's lean lane runs it too.
"""

from __future__ import annotations

import logging
from typing import cast

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from propylon.sdk import ServerRequest, lean_middleware

from propylon_bot_detector.detector import Detector
from propylon_bot_detector.reject import forbidden, is_rejected

PREFIX = "[SERVICE: aiohttp][Botdetector]"


def new_middleware(detector: Detector, log: logging.Logger) -> Middleware:
    @lean_middleware
    @web.middleware
    async def bot_detector(request: ServerRequest, handler: Handler) -> web.StreamResponse:
        if is_rejected(detector, request, log, PREFIX):
            return forbidden()
        return await handler(cast(web.Request, request))  # the lane's handler takes its own

    return bot_detector
