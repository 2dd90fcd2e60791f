"""``plugin/http-client``: a plugin executor replaces the HTTP call to one backend."""

from __future__ import annotations

import logging

from multidict import CIMultiDict, CIMultiDictProxy

from propylon.config.core_options import PLUGIN_CLIENT
from propylon.config.model import BackendConfig
from propylon.plugin.api import Executor, HTTPRequest, HTTPResponse
from propylon.plugin.registry import PluginRegistry
from propylon.transport.client import BackendResponse, ClientFactory, HTTPExecutor
from propylon.types import Headers

NAMESPACE = PLUGIN_CLIENT.name


def decorate_client_factory(
    next_factory: ClientFactory, registry: PluginRegistry, log: logging.Logger
) -> ClientFactory:
    def client_factory(backend: BackendConfig) -> HTTPExecutor:
        default = next_factory(backend)
        options = PLUGIN_CLIENT.of(backend)
        if options is None:
            return default
        name = options.name[0]
        factory = registry.client.get(name)
        if factory is None:
            log.error(
                "%s: %s: no client handler named %r is registered: using HTTP",
                NAMESPACE,
                backend.name,
                name,
            )
            return default
        try:
            executor = factory(options.config_of(name), _as_plugin_executor(default))
        except Exception as exc:
            log.error(
                "%s: %s: %r failed to start (%s: %s): using HTTP",
                NAMESPACE,
                backend.name,
                name,
                type(exc).__name__,
                exc,
            )
            return default
        return _adapt(executor)

    return client_factory


def _as_plugin_executor(execute: HTTPExecutor) -> Executor:
    async def call(request: HTTPRequest) -> HTTPResponse:
        resp = await execute(request.method, request.url, request.headers, request.body)
        headers: Headers = {}
        for key, value in resp.headers.items():
            headers.setdefault(key, []).append(value)
        return HTTPResponse(resp.status, headers, resp.body)

    return call


def _adapt(executor: Executor) -> HTTPExecutor:
    async def execute(method: str, url: str, headers: Headers, body: bytes) -> BackendResponse:
        resp = await executor(HTTPRequest(method, url, headers, body))
        multi: CIMultiDict[str] = CIMultiDict()
        for key, values in resp.headers.items():
            for value in values if isinstance(values, list) else [values]:
                multi.add(key, value)
        return BackendResponse(resp.status, CIMultiDictProxy(multi), resp.body, url)

    return execute
