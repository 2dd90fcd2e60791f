"""What a plugin sees: the registrar it registers with, and the objects its handlers get.

A plugin is a module with a ``register(registrar)`` function. It registers, by name:

- server handlers (``plugin/http-server``): ``factory(config, next_handler) -> handler``,
  where handlers are aiohttp handlers. They see the client's request before routing and
  may answer it, or change it and call ``next_handler``.
- client handlers (``plugin/http-client``): ``factory(config, default) -> executor``,
  where ``executor(HTTPRequest) -> HTTPResponse`` replaces the HTTP call to a backend;
  ``default`` performs the gateway's own call.
- request and response modifiers (``plugin/req-resp-modifier``): ``factory(config) ->
  modifier``; a request modifier gets the ``Request`` (method, url, path, query, headers,
  params, body), a response modifier a ``ResponseWrapper`` (data, is_complete, headers,
  status_code). Either may change it in place, return a replacement, or raise
  ``PluginError`` to answer the client with a status. Modifiers may be async.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from propylon.proxy.errors import ProxyError
from propylon.proxy.types import Request, Response
from propylon.router.handler import AioHandler

Config = dict[str, Any]
ServerPluginFactory = Callable[[Config, AioHandler], AioHandler]


@dataclass
class HTTPRequest:
    method: str
    url: str
    headers: dict[str, list[str]]
    body: bytes = b""


@dataclass
class HTTPResponse:
    status: int
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""


Executor = Callable[[HTTPRequest], Awaitable[HTTPResponse]]
ClientPluginFactory = Callable[[Config, Executor], Executor]
RequestModifier = Callable[[Request], "Request | Awaitable[Request | None] | None"]
ResponseModifier = Callable[
    ["ResponseWrapper"], "ResponseWrapper | Awaitable[ResponseWrapper | None] | None"
]
ModifierFactory = Callable[[Config], Callable[[Any], Any]]


class PluginError(ProxyError):
    """Raised by a modifier or handler to answer the client with ``status_code``."""

    def __init__(self, message: str, status_code: int = 500) -> None:
        super().__init__(message)
        self.status_code = status_code


class ResponseWrapper:
    """A backend or endpoint response as modifiers see it."""

    __slots__ = ("_response",)

    def __init__(self, response: Response) -> None:
        self._response = response

    @property
    def data(self) -> dict[str, Any]:
        return self._response.data

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self._response.data = value

    @property
    def is_complete(self) -> bool:
        return self._response.is_complete

    @is_complete.setter
    def is_complete(self, value: bool) -> None:
        self._response.is_complete = value

    @property
    def headers(self) -> dict[str, list[str]]:
        return self._response.metadata.headers

    @property
    def status_code(self) -> int:
        return self._response.metadata.status_code

    @status_code.setter
    def status_code(self, value: int) -> None:
        self._response.metadata.status_code = value

    @property
    def response(self) -> Response:
        return self._response


class Registrar(Protocol):
    logger: logging.Logger

    def server(self, name: str, factory: ServerPluginFactory) -> None: ...
    def client(self, name: str, factory: ClientPluginFactory) -> None: ...
    def request_modifier(self, name: str, factory: ModifierFactory) -> None: ...
    def response_modifier(self, name: str, factory: ModifierFactory) -> None: ...
