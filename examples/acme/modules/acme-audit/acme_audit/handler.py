"""Decorates the handler factory: audited endpoints get a tag header and an audit line.

At the handler layer the module sees the final status and every response the endpoint
gives, errors included, which is what an audit trail needs.
"""

from __future__ import annotations

import logging
import time

from aiohttp import web
from propylon.config.model import EndpointConfig
from propylon.context import Context
from propylon.proxy.types import Proxy
from propylon.router.factory import HandlerFactory
from propylon.router.handler import Handler

from acme_audit.config import NAMESPACE, AuditConfig, parse_config

log = logging.getLogger("acme.audit")


def audited(handler: Handler, config: AuditConfig) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        response = await handler(request)
        response.headers[config.header] = config.tag
        elapsed = (time.perf_counter() - started) * 1000
        log.info(
            "audit tag=%s method=%s path=%s status=%s remote=%s ms=%.1f",
            config.tag,
            request.method,
            request.path,
            response.status,
            request.remote,
            elapsed,
        )
        return response

    return handle


def decorate(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    def factory(endpoint: EndpointConfig, proxy: Proxy) -> Handler:
        handler = next_factory(endpoint, proxy)
        raw = endpoint.extra_config.get(NAMESPACE)
        if raw is None:
            return handler
        return audited(handler, parse_config(raw, f"{endpoint.endpoint}.extra_config"))

    return factory
