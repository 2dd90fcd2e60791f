"""Decorates the handler factory: audited endpoints get a tag header and an audit line.

At the handler layer the module sees the final status and every response the endpoint
gives, errors included, which is what an audit trail needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from propylon.sdk import (
    Answer,
    Context,
    EndpointConfig,
    Handler,
    HandlerFactory,
    Proxy,
    ServerRequest,
    get_logger,
)

from acme_audit.options import AUDIT, AuditOptions

log = get_logger("acme.audit")


def new_audit(options: AuditOptions) -> Callable[[Handler], Handler]:
    """Wraps an endpoint's handler: tags its response and logs one line per request."""

    def wrap(handler: Handler) -> Handler:
        async def audited(request: ServerRequest) -> Answer:
            started = time.perf_counter()
            response = await handler(request)
            response.set(options.header, options.tag)
            elapsed = (time.perf_counter() - started) * 1000
            log.info(
                "audit tag=%s method=%s path=%s status=%s remote=%s ms=%.1f",
                options.tag,
                request.method,
                request.path,
                response.status,
                request.remote,
                elapsed,
            )
            return response

        return audited

    return wrap


def decorate(next_factory: HandlerFactory, ctx: Context) -> HandlerFactory:
    def factory(endpoint: EndpointConfig, proxy: Proxy) -> Handler:
        handler = next_factory(endpoint, proxy)
        options = AUDIT.of(endpoint)
        if options is None:
            return handler  # endpoints without the namespace pay nothing
        return new_audit(options)(handler)

    return factory
