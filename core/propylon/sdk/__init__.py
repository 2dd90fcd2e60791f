"""The public surface for extensions: modules, plugins, and their tests.

Everything a module or a plugin needs is importable from here, and only from here: the rest
of ``propylon`` is the gateway's own and may change between releases. A module declares its
namespaces with typed option schemas (dataclasses) that the configuration layer reads once,
at start-up; its factories find them with ``Namespace.of(config)``.

A request flows one way::

    client -> server -> handler -> proxy (per endpoint) -> backend (per backend) -> client layer

A ``Handler`` answers an ``Answer`` (status, headers, body) for a ``ServerRequest``: typed
against those, and not against aiohttp's request and response, a module's handler serves
both through aiohttp and through the server's lean lane. A module's aiohttp middleware and
``on_response_prepare`` receiver typed against ``ServerRequest`` and ``Prepared`` are
marked so (``lean_middleware``, ``lean_receiver``): the lane runs them too, and a gateway
with them keeps it.

Each layer is built by a factory that modules decorate. A ``Proxy`` is an async callable
``Request -> Response``; a ``Middleware`` is built from its options and wraps the next proxy.
"""

from __future__ import annotations

import logging

from propylon.config.agents import AgentConfig, AgentConnection, AgentConsumer
from propylon.config.errors import ConfigError
from propylon.config.model import BackendConfig, EndpointConfig, ServiceConfig
from propylon.config.namespace import HasOptions, Namespace, Scope
from propylon.config.schema import Duration, Key, OptionError, Range, Rest, Unsupported
from propylon.context import AgentHealth, Context, TokenRejecter
from propylon.encoding import get_decoder
from propylon.modules.contract import LAYER_ORDER, Module
from propylon.plugin.api import (
    ClientPluginFactory,
    HTTPRequest,
    HTTPResponse,
    ModifierFactory,
    PluginError,
    Registrar,
    ResponseWrapper,
    ServerPluginFactory,
)
from propylon.proxy.errors import ProxyError
from propylon.proxy.factory import BackendFactory, ClientFactory, ProxyFactory
from propylon.proxy.formatter import new_formatter
from propylon.proxy.types import Headers, Metadata, Middleware, Proxy, Query, Request, Response
from propylon.router.answer import Answer
from propylon.router.clientip import (
    DEFAULT_IP_HEADERS,
    client_ip,
    find_client_ip,
    parse_networks,
)
from propylon.router.factory import HandlerFactory
from propylon.router.handler import Handler
from propylon.router.incoming import ServerRequest
from propylon.router.lean import lean_middleware, lean_receiver
from propylon.router.prepared import Prepared, Receiver
from propylon.router.request import add_header, add_param, claims_of, set_claims
from propylon.sdk.figures import WorkerFigures
from propylon.transport.client import BackendResponse, HTTPExecutor

__all__ = [
    "DEFAULT_IP_HEADERS",
    "LAYER_ORDER",
    "AgentConfig",
    "AgentConnection",
    "AgentConsumer",
    "AgentHealth",
    "Answer",
    "BackendConfig",
    "BackendFactory",
    "BackendResponse",
    "ClientFactory",
    "ClientPluginFactory",
    "ConfigError",
    "Context",
    "Duration",
    "EndpointConfig",
    "HTTPExecutor",
    "HTTPRequest",
    "HTTPResponse",
    "Handler",
    "HandlerFactory",
    "HasOptions",
    "Headers",
    "Key",
    "Metadata",
    "Middleware",
    "ModifierFactory",
    "Module",
    "Namespace",
    "OptionError",
    "PluginError",
    "Prepared",
    "Proxy",
    "ProxyError",
    "ProxyFactory",
    "Query",
    "Range",
    "Receiver",
    "Registrar",
    "Request",
    "Response",
    "ResponseWrapper",
    "Rest",
    "Scope",
    "ServerPluginFactory",
    "ServerRequest",
    "ServiceConfig",
    "TokenRejecter",
    "Unsupported",
    "WorkerFigures",
    "add_header",
    "add_param",
    "claims_of",
    "client_ip",
    "find_client_ip",
    "get_decoder",
    "get_logger",
    "lean_middleware",
    "lean_receiver",
    "new_formatter",
    "parse_networks",
    "set_claims",
]


def get_logger(name: str) -> logging.Logger:
    """The logger of an extension, under the gateway's (``propylon.<name>``): it follows the
    gateway's level and format, and ``telemetry/logging`` when the edition has it."""
    return logging.getLogger(f"propylon.{name}")
