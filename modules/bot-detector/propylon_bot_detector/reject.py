"""How a bot is turned away: 403 with an empty body, before anything else runs."""

from __future__ import annotations

import logging

from aiohttp import web
from propylon.sdk import ServerRequest

from propylon_bot_detector.detector import Detector


def is_rejected(
    detector: Detector, request: ServerRequest, log: logging.Logger, prefix: str
) -> bool:
    if detector(request.headers.get("User-Agent", "")):
        log.error("%s bot rejected", prefix)
        return True
    return False


FORBIDDEN = 403


def forbidden() -> web.Response:
    return web.Response(status=FORBIDDEN)
