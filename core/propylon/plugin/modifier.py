"""``plugin/req-resp-modifier``: plugin modifiers around an endpoint's or a backend's proxy."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from propylon.config.core_options import PLUGIN_MODIFIER, PluginOptions
from propylon.plugin.api import ResponseWrapper
from propylon.plugin.registry import PluginRegistry
from propylon.proxy.types import Middleware, Proxy, Request, Response

NAMESPACE = PLUGIN_MODIFIER.name
Modifier = Callable[[Any], Any]


def new_modifier_middleware(
    options: PluginOptions, where: str, registry: PluginRegistry, log: logging.Logger
) -> Middleware:
    """The modifiers ``options`` names, in order; one that is missing or fails to start is
    logged and left out."""
    requests: list[Modifier] = []
    responses: list[Modifier] = []
    for name in options.name:
        config = options.config_of(name)
        found = False
        for table, chain in (
            (registry.request_modifier, requests),
            (registry.response_modifier, responses),
        ):
            if name in table:
                found = True
                try:
                    chain.append(table[name](config))
                except Exception as exc:
                    log.error(
                        "%s: %s: %r failed to start (%s: %s): skipped",
                        where,
                        NAMESPACE,
                        name,
                        type(exc).__name__,
                        exc,
                    )
        if not found:
            log.error("%s: %s: no modifier named %r is registered: skipped", where, NAMESPACE, name)

    def middleware(next_proxy: Proxy) -> Proxy:
        if not requests and not responses:
            return next_proxy

        async def modified(request: Request) -> Response:
            for modify in requests:
                request = await _apply(modify, request)
            response = await next_proxy(request)
            for modify in responses:
                wrapper = await _apply(modify, ResponseWrapper(response))
                response = wrapper.response
            return response

        return modified

    return middleware


async def _apply(modify: Modifier, value: Any) -> Any:
    result = modify(value)
    if inspect.isawaitable(result):
        result = await result
    return value if result is None else result
